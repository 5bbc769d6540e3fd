package analysis_test

import (
	"fmt"
	"time"

	"github.com/careweb/careweb/internal/analysis"
	"github.com/careweb/careweb/internal/care"
)

// One person, four contacts with two GPs of one practice and a social
// worker, one referral: a JSON line of the batch CLI. By hand: MMCI =
// (10·4 − 10·3 + 1)/(10·4 − 9) = 11/31; FCI over Surgery ×3, Council ×1 =
// 1 − (10 − 4)/12 = 1/2; the GP1→SW switch is supported by the referral
// dated on the day of GP1's contact, the SW→GP2 switch is not.
func ExampleRecord() {
	svc := &care.Services{
		Nodes: []care.Node{
			{ID: "o-surgery", Kind: care.KindOrganisation, Sector: care.SectorPrimaryCare},
			{ID: "o-council", Kind: care.KindOrganisation, Sector: care.SectorSocialCare},
			{ID: "pr-gp1", Kind: care.KindProfessional}, {ID: "pr-gp2", Kind: care.KindProfessional},
			{ID: "pr-sw", Kind: care.KindProfessional},
		},
		Relationships: []care.Relationship{
			{ID: "w1", Type: care.WorksIn, From: "pr-gp1", To: "o-surgery", Span: care.Always},
			{ID: "w2", Type: care.WorksIn, From: "pr-gp2", To: "o-surgery", Span: care.Always},
			{ID: "w3", Type: care.WorksIn, From: "pr-sw", To: "o-council", Span: care.Always},
		},
	}
	day := func(d int) time.Time { return time.Date(2024, 3, d, 10, 0, 0, 0, time.UTC) }
	rec := &care.PersonRecord{
		Person: care.Node{ID: "p-1", Kind: care.KindPerson},
		Contacts: []care.Contact{
			{ID: "c1", Professional: "pr-gp1", At: day(1)},
			{ID: "c2", Professional: "pr-gp1", At: day(8)},
			{ID: "c3", Professional: "pr-sw", At: day(9)},
			{ID: "c4", Professional: "pr-gp2", At: day(20)},
		},
		Referrals: []care.Referral{{ID: "r1", From: "pr-gp1", To: "pr-sw", At: day(8)}},
	}
	pop := analysis.NewPopulation(analysis.NewIndex(svc))
	res, err := pop.NewComputer().Person(rec, analysis.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	line, _ := analysis.Record{Result: &res}.MarshalJSON()
	fmt.Println(string(line))
	// Output:
	// {"person":"p-1","continuity":{"contacts":4,"providers":3,"upc":0.5,"coc":0.16666666666666666,"hhi":0.375,"secon":0.3333333333333333,"mmci":0.3548387096774194,"kpc":0.25,"usualProvider":"pr-gp1"},"fragmentation":{"professionals":3,"organisations":2,"sectors":2,"fci":0.5,"networkFragmentation":1,"professionalFragmentation":1,"distanceWeightedFragmentation":1,"carerDependency":0,"carerBridgingShare":0,"careDensity":null},"handoffs":{"total":2,"crossOrganisation":2,"crossSector":2,"supported":1,"unsupported":1},"reasons":{"fragmentation.careDensity":"NO_POPULATION"}}
}
