// Package demo generates CareWeb's demonstration data set: invented but
// realistic webs of care, deterministic by seed, streamed as care.Batch
// values that any store can apply.
//
// It is what `careweb demo` loads, what tests and examples use when they
// need a population rather than a toy, and what the benchmarks load at the
// target scale (1,000,000 people, 20,000,000 contacts).
//
// The data set has two parts.
//
// The showcase (Showcase, written first by Generate) is four hand-shaped
// webs modelled on the drawings National Voices collected from service
// users, with stable, documented ids (see the Showcase* constants): Arthur,
// who has Alzheimer's, his wife Margaret joining up two dozen
// professionals with few lines between them; Doreen, living alone with
// several long-term conditions and no coordinator; George, whose
// integrated neighbourhood team is the well-coordinated contrast; and
// Liam, a young man with a learning disability and psychosis. One carer,
// Doreen's neighbour Pat, has no consent to view the web.
//
// The population (Config.People people, 3,000 by default, over the two
// years to 31 October 2026) lives in six named localities that differ on
// purpose in how integrated their services are (Northgate most, Southmere
// least; in Riverside the cross-sector links begin partway through the
// period), so that cohort comparisons by locality find a real difference.
// Each locality is split into neighbourhoods of about 6,000 people, each
// with GP practices, pharmacies, a community health team, an adult social
// care team, home-care agencies and a community mental health team;
// localities have day centres, housing, befriending, social prescribing
// and carers' centres; hospitals with memory clinics, and an ambulance
// service, serve the region. Organisations scale with the population.
// Professionals hold roles that match their sector; some leave (and are
// replaced after a vacancy) or move to another unit during the period —
// home-care workers most often. LINKED_TO lines are sparse and mostly
// within a unit; lines across sectors depend on the locality.
//
// Each person has a profile of need (frail older person, several long-term
// conditions, dementia, mental health, learning disability, occasional
// user), zero to two unpaid carers (most frail people have one; about 5%
// of carers lack consent), a GP practice, and episodes of care — a hospital
// stay for some, followed by the handoffs that follow one (social work,
// home care, district nursing) — each assigned to a professional who is
// replaced when they leave, with some episodes naming a coordinator.
// Contacts are skewed (lognormal intensity; a mean of
// Config.ContactsPerPerson, 20 by default), mostly with the usual
// professional of each service (how often depends on the GP practice),
// in time order, on weekdays for office-hours services; 60% record their
// organisation, the rest leave it to the professional's WORKS_IN on the
// day. Referrals record the handoffs that start episodes within the period.
//
// Generation is a pure function of Config: randomness comes from PCG
// sources seeded with Config.Seed (one for the landscape, one per person),
// dates are fixed rather than taken from the clock, and ids are compact
// counters (p000123, c000123, pro00042, org0007, k00001234, r0001234).
// Memory is bounded by the service landscape; people are generated and
// emitted one at a time.
package demo
