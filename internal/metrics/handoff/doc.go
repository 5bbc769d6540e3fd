// Package handoff counts the handoffs in one person's sequence of contacts:
// switches between professionals, those that cross an organisation or
// sector boundary, and those with no referral or link behind them (the
// person retells their story). Definitions follow CareWeb's
// METRICS-REFERENCE (Part 1 rules 14–15 binding; Part 2 §3).
//
// # Definitions [PROPOSAL unless marked]
//
// For contacts c_1 … c_N in time order (Part 1 rules 1–3: in the window,
// deduplicated per professional and day, ordered by timestamp then contact
// id), with professional p_j, organisation o_j and sector s_j (rule 4):
//
//   - total [lit-derived from SECON; Steinwachs DM. Med Care
//     1979;17(6):551–565] = #{j < N : p_j ≠ p_{j+1}} = (N − 1)(1 − SECON):
//     provider switches between consecutive contacts;
//   - crossOrganisation / crossSector = the switches whose organisations /
//     sectors differ (rule 14 counts among switches, so two consecutive
//     contacts with one professional are never a handoff even if the
//     recorded organisation changed). A switch where either side's
//     organisation (sector) is unknown is not counted as crossing; it is
//     counted in UnknownOrganisation (UnknownSector) instead;
//   - supported (rule 15): a switch from c1 (professional a) to c2
//     (professional b) is supported when a referral about the person from a
//     to b is dated within [date(c1), date(c2)] (inclusive), or a LINKED_TO
//     between a and b is active on date(c2), or a LINKED_TO between their
//     organisations, when both are known and different, is active on
//     date(c2). Referrals are directed; links are not;
//   - unsupported = total − supported: the handoffs where the person or
//     carer had to carry the story.
//
// All are counts: with N < 2 they are 0, which is correct (unlike the
// ratios of package continuity, never null). Referrals with no later
// contact are not handoffs.
//
// # Rates [PROPOSAL]
//
// PerContact = count ÷ N; PerMonth = count ÷ (days / 30.4375), a month
// being 365.25/12 days. Both are null when their denominator is 0.
//
// # Care-setting transitions [lit]
//
// Callahan CM, Arling G, Tu W, et al. Transitions in care for older adults
// with and without dementia. J Am Geriatr Soc 2012;60(5):813–820:
// settingTransitions = #{j : σ_j ≠ σ_{j+1}} over the setting sequence, and
// transitionsPerPersonYear = transitions ÷ (days at risk / 365.25).
//
// # Not implemented
//
// handoffLatencyDays (the median time between the two contacts of a
// handoff, listed as optional in §3.2) and the patient-reported Care
// Transitions Measure (a questionnaire).
package handoff
