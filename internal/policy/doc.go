// Package policy decides who may see and change what, and is the only
// place that does. It wraps the store once (Policy.Wrap), for both stores,
// so that every path to data — node(id:), lists, search, nested fields,
// dataloaders, metrics (which read the person through the wrapped store),
// subscriptions, exports and the CLI — passes through the same rules.
//
// # The rules
//
// Roles come from the signed-in principal (care.Principal in the context);
// whom a role reaches is derived from the graph itself, as of now, on every
// request (never cached across requests, so a withdrawn consent or an
// ended relationship takes effect on the next one):
//
//   - admin: everything, reads and writes.
//   - person: their own web, contacts, referrals, consents and metrics
//     (the subject is their person id); read only.
//   - carer: the people they have a CARES_FOR with that is active today
//     and for whom the consent record in force today (care.ConsentAt) is a
//     Permit on any basis: the person's consent, a lasting power of
//     attorney for health and welfare, or a best-interests decision. The
//     latest record for the pair decides, so a withdrawal (a later Deny)
//     ends access. Read only; of the consent records, only their own.
//   - professional: the people they have an INVOLVED_IN with that is
//     active today (their full web); they may record contacts and
//     referrals for those people and nothing else.
//   - researcher: no per-person reads at all. Population summaries (with
//     small numbers suppressed) and network analysis (pseudonymised) only,
//     decided by Population.
//
// The people a principal reaches are its scope. The other nodes it may see
// are those of its scope's webs over all time: their carers, the
// professionals involved with them or in contact with them, the
// organisations of those contacts and those professionals, the ends of
// their referrals, plus the principal's own node (and, for a professional,
// their organisations). A relationship is visible when both its ends are.
// Lists and search run over that visible set only.
//
// # Denied looks missing
//
// A person or node outside what a principal may see is NotFound, with the
// same message a missing id gets, so that existence does not leak; lists
// simply do not hold it. Operations a role may never perform (a carer
// writing, a person asking for population statistics) are Forbidden,
// which reveals nothing about any person. A request with no principal is
// Unauthenticated.
//
// # Audit
//
// Every decision about a person's web, contacts, referrals, consents or
// metrics, every subscription, export and write is reported to the
// Auditor with the principal, the operation, the person, the grant (which
// relationship or rule allowed it) and the outcome, denials included.
// Within one request (WithRequest) each (operation, person, outcome) is
// recorded once. If the Auditor fails, the read is refused with
// Unavailable: no access goes unrecorded.
package policy
