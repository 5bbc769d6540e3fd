package analysis

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// pagedReader serves a fixed person through care.Reader's paging, with the
// shared pagination rule, so LoadPerson must follow cursors.
type pagedReader struct {
	care.Reader // methods LoadPerson does not use panic (nil)
	rec         *care.PersonRecord
	other       care.Relationship // touches the person but is not theirs
	calls       int
}

func (p *pagedReader) Node(_ context.Context, id string) (care.Node, error) {
	if id == p.rec.Person.ID {
		return p.rec.Person, nil
	}
	if id == "GP1" {
		return care.Node{ID: "GP1", Kind: care.KindProfessional}, nil
	}
	return care.Node{}, care.Errorf(care.NotFound, "no node %q", id)
}

func (p *pagedReader) Relationships(_ context.Context, q care.RelQuery) ([]care.Relationship, error) {
	return append([]care.Relationship{p.other}, p.rec.Relationships...), nil
}

func (p *pagedReader) Contacts(_ context.Context, q care.EventQuery) (care.ContactPage, error) {
	p.calls++
	cs := p.rec.Contacts
	key := func(i int) []string { return care.ContactKey(cs[i]) }
	q.Page.First = min(q.Page.First, 7) // a small page, to force paging
	lo, hi, info, err := care.PageRange(len(cs), 2, key, q.Page, "")
	if err != nil {
		return care.ContactPage{}, err
	}
	page := care.ContactPage{Contacts: cs[lo:hi], Info: info}
	page.Cursors = care.FillCursors(&page.Info, hi-lo, func(i int) []string { return key(lo + i) })
	return page, nil
}

func (p *pagedReader) Referrals(_ context.Context, q care.EventQuery) (care.ReferralPage, error) {
	rs := p.rec.Referrals
	key := func(i int) []string { return care.ReferralKey(rs[i]) }
	q.Page.First = min(q.Page.First, 2)
	lo, hi, info, err := care.PageRange(len(rs), 2, key, q.Page, "")
	if err != nil {
		return care.ReferralPage{}, err
	}
	page := care.ReferralPage{Referrals: rs[lo:hi], Info: info}
	page.Cursors = care.FillCursors(&page.Info, hi-lo, func(i int) []string { return key(lo + i) })
	return page, nil
}

func TestLoadPerson(t *testing.T) {
	rec := &care.PersonRecord{Person: care.Node{ID: "P", Kind: care.KindPerson}}
	rec.Relationships = []care.Relationship{involved("GP1", "P", care.Always, true)}
	t0 := at(t, "2024-01-01T09:00:00Z")
	for i := range 23 {
		rec.Contacts = append(rec.Contacts, contactAt(fmt.Sprintf("c%02d", i), "P", "GP1", t0.Add(time.Duration(i)*time.Hour), ""))
	}
	for i := range 5 {
		rec.Referrals = append(rec.Referrals, care.Referral{ID: fmt.Sprint("r", i), Person: "P", From: "GP1", To: "GP2", At: t0.AddDate(0, 0, i)})
	}
	r := &pagedReader{rec: rec, other: care.Relationship{ID: "x", Type: care.InvolvedIn, From: "P", To: "elsewhere"}}
	got, err := LoadPerson(context.Background(), r, "P")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Contacts) != 23 || len(got.Referrals) != 5 || len(got.Relationships) != 1 || r.calls != 4 {
		t.Errorf("loaded %d contacts in %d calls, %d referrals, %d relationships", len(got.Contacts), r.calls, len(got.Referrals), len(got.Relationships))
	}
	for i, c := range got.Contacts {
		if c.ID != rec.Contacts[i].ID {
			t.Fatalf("contact %d is %s", i, c.ID)
		}
	}
	for _, id := range []string{"GP1", "nobody"} {
		if _, err := LoadPerson(context.Background(), r, id); care.ErrorCode(err) != care.NotFound {
			t.Errorf("LoadPerson(%s): %v, want NotFound", id, err)
		}
	}
}
