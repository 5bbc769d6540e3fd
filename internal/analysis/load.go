package analysis

import (
	"context"

	"github.com/careweb/careweb/internal/care"
)

// LoadPerson assembles one person's record through the Reader, for the
// per-person path (GraphQL) where streaming the population is not an
// option: the person node, their CARES_FOR and INVOLVED_IN relationships
// (all time), and every contact and referral (all time, paged through in
// pages of care.MaxPageSize). The whole history is read whatever window
// will be analysed, because KPC looks back before the window (rule 7) and
// churn and tenure need relationship history. A missing person, or a node
// that is not a person, is NotFound; other errors are the Reader's.
func LoadPerson(ctx context.Context, r care.Reader, personID string) (*care.PersonRecord, error) {
	n, err := r.Node(ctx, personID)
	if err != nil {
		return nil, err
	}
	if n.Kind != care.KindPerson {
		return nil, care.Errorf(care.NotFound, "no person %q", personID)
	}
	rec := &care.PersonRecord{Person: n}
	rels, err := r.Relationships(ctx, care.RelQuery{Node: personID, Types: []care.RelType{care.CaresFor, care.InvolvedIn}, Window: care.Always})
	if err != nil {
		return nil, err
	}
	for _, rel := range rels {
		if rel.To == personID {
			rec.Relationships = append(rec.Relationships, rel)
		}
	}
	q := care.EventQuery{Person: personID, Window: care.Always, Page: care.Page{First: care.MaxPageSize}}
	for {
		page, err := r.Contacts(ctx, q)
		if err != nil {
			return nil, err
		}
		rec.Contacts = append(rec.Contacts, page.Contacts...)
		if !page.Info.HasNextPage || len(page.Contacts) == 0 {
			break
		}
		q.Page.After = page.Info.EndCursor
	}
	q.Page.After = ""
	for {
		page, err := r.Referrals(ctx, q)
		if err != nil {
			return nil, err
		}
		rec.Referrals = append(rec.Referrals, page.Referrals...)
		if !page.Info.HasNextPage || len(page.Referrals) == 0 {
			break
		}
		q.Page.After = page.Info.EndCursor
	}
	return rec, nil
}
