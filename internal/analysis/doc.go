// Package analysis is the one bridge from the domain (package care) to the
// metrics maths (packages under internal/metrics): it turns a person's
// record and the service side of the graph into the compact inputs the
// metric functions take, applying CareWeb's binding defaults
// (METRICS-REFERENCE Part 1), and turns their answers into the named
// outputs of the API and the batch CLI.
//
// # Shape
//
// An Index (NewIndex, from care.Store.Services) codes every carer,
// professional and organisation densely and holds WORKS_IN and LINKED_TO
// spans. A Population is the Index plus, for care density, the
// patient-sharing network of one window, built by a pass over every person
// (BuildPopulation, or a SharingBuilder fed by care.Store.EachPerson).
// A Computer (Population.NewComputer) computes one person at a time with
// reusable scratch space; use one per goroutine. Run streams a store
// through N workers and emits Results in id order; LoadPerson assembles one
// person's record through care.Reader for the per-person (GraphQL) path. Record and CSVWriter
// serialise Results; Summary and SmallNumbers make population
// distributions.
//
// # Part 1, as implemented
//
// Rule 1: a contact is in the window W when its UTC calendar day lies in W
// (inclusive; open ends allowed; the zero Window is all time).
// Rule 2: a person's contacts with one professional on one UTC day count
// once — the earliest by timestamp, then contact id — applied to every
// contact, before the window's own history and before any level mapping.
// Rule 3: order is timestamp, then contact id (byte order); a record not in
// that order is sorted. Rule 4: PROFESSIONAL is the default level;
// ORGANISATION is the contact's recorded organisation, else the
// professional's WORKS_IN active on the contact's day; SECTOR is that
// organisation's sector. Rule 5: every continuity ratio and FCI is null
// (BELOW_MIN_CONTACTS) when N < minContacts (default 2). Rule 6: UPC is
// the most-frequent-provider variant; the usual provider's ties go to a
// named coordinator among the tied, then the latest contact (the order is
// total, so the smallest-id rule is never reached). Rule 7: KPC counts a
// contact as known when its provider was seen in the 365 days before it,
// history before W included. Rule 8: FCI = 1 − COC at the ORGANISATION
// level. Rules 9–13: see Computer.Fragmentation's web (web.go). Rules
// 14–15: see Handoffs.
//
// # Decisions where Part 1 is silent
//
//   - Several WORKS_IN active on a day: the one that started latest, then
//     the smallest organisation id (the most recent job).
//   - A contact whose organisation cannot be resolved (none recorded and
//     no WORKS_IN active that day) has no provider at the ORGANISATION and
//     SECTOR levels: it is left out of those sequences (so of N and of FCI)
//     and counted in Continuity.Unresolved; handoffs count a switch touching
//     it in UnknownOrganisation/UnknownSector instead of deciding whether it
//     crossed.
//   - The named coordinators of rule 6(a) are the professionals with an
//     INVOLVED_IN marked coordinator overlapping W; at the ORGANISATION and
//     SECTOR levels, their organisation (sector) of the WORKS_IN overlapping
//     both that relationship and W that started latest.
//   - The usual provider exists whenever N ≥ 1; it is not a ratio, so
//     minContacts does not null it.
//   - Rule 10's "every LINKED_TO between two members" includes carer–carer
//     links; rule 12's organisations of a professional are their WORKS_IN
//     overlapping W and the organisations of their contacts in W; for
//     carerBridgingShare a professional's one organisation is their latest
//     WORKS_IN overlapping W, else that of their latest contact in W.
//   - Rule 15's referral "from a to b" is a referral between those two
//     professionals; a referral with an organisation at either end supports
//     no switch.
//   - Care density needs the Population's network for the same window: it is
//     null with NO_POPULATION when there is none and POPULATION_WINDOW when
//     it was built for another window; UNKNOWN_PROFESSIONAL when a
//     professional of the person is missing from the index.
//   - An id that the Index does not know (written after it was built) is
//     still a distinct provider, with no organisation and no links.
//   - Proposals beyond Part 1 (handoff rates, staff churn, the coordinator's
//     tenure, the usual provider's duration, cohorts) are documented on
//     their types and marked PROPOSAL; in JSON they are in a separate
//     "proposals" object so that Part 1's objects keep exactly Part 1's
//     names.
//
// # Nulls
//
// Every undefined value is a measure.Value with Defined false and a
// Reason: package measure's codes, or this package's (NO_POPULATION,
// POPULATION_WINDOW, UNKNOWN_PROFESSIONAL, NO_COORDINATOR, UNKNOWN_START,
// SUPPRESSED, NO_VALUES). Message gives the sentence for any of them.
package analysis
