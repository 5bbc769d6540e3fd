// Package continuity computes the relational-continuity indices of one
// person's sequence of contacts: UPC, Bice–Boxerman COC, HHI, SECON, MMCI,
// KPC, visit entropy, the usual provider, and the practice-level SLICC and
// OPR. Definitions, citations and oracle cases are those of CareWeb's
// METRICS-REFERENCE (Part 1 binding defaults; Part 2 §0, §1, §5).
//
// # Input
//
// A sequence is a []int of provider codes in time order, one per contact,
// at one level (professional, organisation or sector: the formula is the
// same, only the label differs). The caller (the analysis bridge) has
// already applied METRICS-REFERENCE Part 1 rules 1–4: only contacts whose
// UTC date lies in the window; contacts of the person with the same
// professional on the same UTC day counted once (the earliest, by
// timestamp then contact id); ordered by timestamp, then contact id; and
// mapped to the level after deduplication. Codes are opaque identities:
// any int, including a negative one, is a provider. Carers are never
// providers in these indices.
//
// Notation: N contacts p_1 … p_N, M distinct providers, n_i contacts with
// provider i (Σ n_i = N).
//
// # Undefined values
//
// Every ratio is a measure.Value. The functions named for an index give its
// mathematical definition (UPC of one contact is 1); Compute additionally
// applies Part 1 rule 5: every ratio is undefined (BelowMinContacts) when
// N < minContacts (default 2). Counts (N, M, switches) are never undefined.
// An undefined value is never reported as 0.
//
// # Indices
//
// UPC, Usual Provider of Care [lit] (Breslau N, Reeb KG. Continuity of care
// in a university-based practice. J Med Educ 1975;50(10):965–969):
//
//	UPC = max_i n_i / N
//
// CareWeb ships the most-frequent-provider variant (Part 1 rule 6); the
// designated-provider variant, share of contacts with a named professional
// whatever the counts, is NamedUPC. Range [1/N, 1] (NamedUPC: [0, 1]).
// N = 0: undefined; N = 1: 1 mathematically, but undefined under the
// default minContacts (Pereira Gray et al. 2023 report "cannot calculate").
// Order-free.
//
// Usual provider (Part 1 rule 6): the most-seen provider; ties broken by
// (a) the person's named coordinator among the tied, (b) the tied provider
// with the latest contact, (c) the smallest id. Because the sequence is in
// rule 3's total order, "latest contact" is the latest position, so (b)
// always decides and (c) is never reached. The usual provider exists
// whenever N ≥ 1 and is not subject to minContacts.
//
// COC, Bice–Boxerman Continuity of Care index [lit] (Bice TW, Boxerman SB.
// A quantitative measure of continuity of care. Med Care 1977;15(4):347–349;
// formula verified in Peytremann-Bridevaux et al. 2022, Table 2):
//
//	COC = (Σ n_i² − N) / (N(N − 1))
//
// the probability that two contacts drawn without replacement are with the
// same provider. Range [0, 1]: 0 iff every contact is with a different
// provider (M = N), 1 iff M = 1. Undefined for N = 0 and N = 1 (0/0).
// Order-free. Identity: COC = (N·HHI − 1)/(N − 1).
//
// HHI, Herfindahl–Hirschman index of contact concentration [lit]
// (Herfindahl 1950; Hirschman 1945; used for continuity by Pollack et al.
// 2016, Med Care 54(5):e30–e34):
//
//	HHI = Σ (n_i/N)²
//
// Range [1/M, 1]. N = 0: undefined; N = 1: 1. Order-free. Bounds:
// UPC² ≤ HHI ≤ UPC. The normalised HHI* of economics is not offered.
//
// SECON, Sequential Continuity index [lit] (Steinwachs DM. Measuring
// provider continuity in ambulatory care: an assessment of alternative
// approaches. Med Care 1979;17(6):551–565):
//
//	SECON = (1/(N − 1)) Σ_{j=1}^{N−1} [p_j = p_{j+1}]
//
// Range [0, 1]; 1 when M = 1. Undefined for N < 2. Order-sensitive: AABB
// gives 2/3 and ABAB gives 0 with the same counts. Identity: provider
// switches (Switches, the handoffs of package handoff) = (N − 1)(1 − SECON).
//
// MCI, Modified Continuity Index [lit]: 1 − M/(N + 0.1), computed exactly as
// (10N + 1 − 10M)/(10N + 1). Offered by MCI for comparison only: perfect
// continuity is not 1 (AA gives 11/21), which MMCI corrects; Compute does
// not report it.
//
// MMCI, Modified Modified Continuity Index [lit] (Magill MK, Senf J. A new
// method for measuring continuity of care in family practice residencies.
// J Fam Pract 1987;24(2):165–168):
//
//	MMCI = (1 − M/(N + 0.1)) / (1 − 1/(N + 0.1)) = (10N − 10M + 1)/(10N − 9)
//
// Range (0, 1]: 1 iff M = 1; the minimum (M = N) is 1/(10N − 9), not 0
// (AB gives 1/11). N = 0: undefined; N = 1: 1. Order-free.
//
// KPC, Known Provider Continuity [PROPOSAL: the literature's definition is
// informal] (after Paul K, Ford P, Morris C. Continuity of care: how should
// we measure it? Kaiser Permanente Washington, 2018: "% of time a patient
// saw a provider that they had seen previously in the prior year"). Part 1
// rule 7, CareWeb's default:
//
//	KPC = #{contacts j in the window : p_j was seen in the L days before j} / N
//
// with L = 365 and history before the window included. "Before j" is
// earlier in rule 3's order and at most L days earlier, so at organisation
// or sector level a same-day earlier contact with the same organisation
// counts (at professional level rule 2 leaves no such pair). The
// window-only variant, KPCWindow, has no dates and no history: the first
// contact can never be known, so its denominator is N − 1. On oracle K1
// the rolling 365-day rule gives 1/3, unlimited history 1, and the
// window-only variant 1/2 — say which is used. Range [0, 1]. Undefined for
// N = 0, without dates (rule 7), and for N = 1 (window-only). Order-sensitive.
//
// Visit entropy [CareWeb extension; no canonical form] (Shannon CE. A
// mathematical theory of communication. Bell Syst Tech J 1948;27:379–423):
//
//	H = −Σ (n_i/N) log₂(n_i/N)
//
// in bits, unnormalised (no division by log M or log N). Range [0, log₂ M].
// N = 0: undefined; M = 1: 0. Compute applies minContacts to it as to the
// ratios.
//
// # Practice-level relatives
//
// SLICC (St Leonard's Index of Continuity of Care; Sidaway-Lee K, Pereira
// Gray D, Evans P. Br J Gen Pract 2019;69(682):e356–e362) of a group of
// listed people = their contacts with their own named professional ÷ all
// their contacts. OPR (Own Patient Ratio; Pereira Gray D, Sidaway-Lee K,
// Whitaker P, Evans P. Br J Gen Pract 2023;73(731):279–282) of named
// professionals = their contacts with people on their own lists ÷ all their
// contacts. PooledUPC is the visit-weighted population UPC (Eriksson EA,
// Mattsson LG. Med Care 1983;21(9):858–875): Σ max n_i ÷ Σ N. The mean of
// per-person values over eligible people is the other population summary;
// report which. Oracle P1 reproduces Pereira Gray et al. 2023, Table 2,
// whose printed OPR for Dr A (63.9 %) is an arithmetic slip for 22/35 =
// 62.9 %.
//
// # Caveat
//
// All of these depend strongly on N (short windows favour frequent
// attenders); always report N with an index.
package continuity
