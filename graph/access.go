package graph

import (
	"context"
	"time"

	"github.com/careweb/careweb/graph/model"
	"github.com/careweb/careweb/internal/audit"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/encoding/carecsv"
	"github.com/careweb/careweb/internal/policy"
)

func (r *Resolver) viewer(ctx context.Context) (*model.Viewer, error) {
	p, ok := care.PrincipalFromContext(ctx)
	if !ok {
		return nil, care.Errorf(care.Unauthenticated, "sign in: a bearer token is required")
	}
	return &model.Viewer{Subject: p.Subject, Role: p.Access}, nil
}

func (r *Resolver) viewerPeople(ctx context.Context) ([]model.Person, error) {
	if r.Access == nil {
		return []model.Person{}, nil
	}
	ids, err := r.Access.People(ctx)
	if err != nil {
		return nil, err
	}
	ns, err := r.Store.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]model.Person, 0, len(ns))
	for _, n := range ns {
		if n.Kind == care.KindPerson {
			out = append(out, *model.NewNode(n).(*model.Person))
		}
	}
	return out, nil
}

func (r *Resolver) viewerNode(ctx context.Context, v *model.Viewer) (model.Node, error) {
	n, err := r.Store.Node(ctx, v.Subject)
	if care.ErrorCode(err) == care.NotFound {
		return nil, nil // admins and researchers have no node
	}
	if err != nil {
		return nil, err
	}
	return model.NewNode(n), nil
}

func (r *Resolver) consents(ctx context.Context, person string) ([]model.Consent, error) {
	cs, err := r.Store.Consents(ctx, person)
	if err != nil {
		return nil, err
	}
	out := make([]model.Consent, len(cs))
	for i, c := range cs {
		out[i] = model.Consent{C: c}
	}
	return out, nil
}

func (r *Resolver) recordConsent(ctx context.Context, in model.ConsentInput) (*model.Consent, error) {
	c := care.Consent{
		ID: in.ID, Person: in.PersonID, Grantee: in.GranteeID, Basis: in.Basis, Decision: in.Decision,
		Span:       care.Span{From: dateOr(in.From, care.NoStart), To: dateOr(in.To, care.NoEnd)},
		RecordedAt: time.Now(), RecordedBy: str(in.RecordedBy),
	}
	if in.RecordedAt != nil {
		c.RecordedAt = *in.RecordedAt
	}
	b := care.Batch{Consents: []care.Consent{c}}
	b.Normalise()
	if _, err := r.write(ctx, b); err != nil {
		// ConsentInput names three fields apart from care.Consent.
		for _, f := range [][2]string{{".person", ".personId"}, {".grantee", ".granteeId"}, {".end", ".to"}} {
			err = prefixProblems(err, "consents[0]"+f[0], "input"+f[1])
		}
		return nil, prefixProblems(err, "consents[0]", "input")
	}
	return &model.Consent{C: b.Consents[0]}, nil
}

func (r *Resolver) importCSV(ctx context.Context, in model.CSVImportInput) (*model.ImportPayload, error) {
	var srcs []carecsv.Source
	for _, f := range []struct {
		name string
		text *string
	}{
		{carecsv.NodesFile, in.Nodes}, {carecsv.RelationshipsFile, in.Relationships},
		{carecsv.ContactsFile, in.Contacts}, {carecsv.ReferralsFile, in.Referrals}, {carecsv.ConsentsFile, in.Consents},
	} {
		if f.text != nil {
			srcs = append(srcs, carecsv.StringSource(f.name, *f.text))
		}
	}
	if len(srcs) == 0 {
		var ps care.Problems
		ps.Add("input", "", "give at least one file")
		return nil, ps.Err("nothing to import")
	}
	res, err := carecsv.LoadSources(ctx, r.Store, srcs)
	if err != nil {
		return nil, err
	}
	return &model.ImportPayload{Nodes: res.Nodes, Relationships: res.Relationships, Contacts: res.Contacts,
		Referrals: res.Referrals, Consents: res.Consents}, nil
}

// population decides a population operation: through the policy when
// there is one, else (tests of this package) over the resolvers' store.
func (r *Resolver) population(ctx context.Context, op audit.Operation) (policy.PopulationAccess, error) {
	if r.Access == nil {
		return policy.PopulationAccess{Source: r.Store}, nil
	}
	return r.Access.Population(ctx, op)
}
