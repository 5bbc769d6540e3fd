package fragmentation_test

import (
	"testing"

	"github.com/careweb/careweb/internal/metrics/fragmentation"
	"github.com/careweb/careweb/internal/metrics/internal/oracle"
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metrics/ugraph"
)

// TestFCISequences checks FCI and reduced FCI on S0–S10 (§5.1).
func TestFCISequences(t *testing.T) {
	var file struct {
		Cases []struct {
			ID, Seq, FCI string
			RFCI         string `json:"rFCI"`
		}
	}
	oracle.Load(t, "sequences.json", &file)
	for _, c := range file.Cases {
		seq := oracle.Codes(c.Seq)
		// minContacts 1: the table gives the mathematical value.
		oracle.Check(t, c.ID+" FCI", fragmentation.FCI(seq, 1), c.FCI)
		if c.RFCI != "" {
			oracle.Check(t, c.ID+" rFCI", fragmentation.ReducedFCI(seq, 0), c.RFCI)
		}
	}
	if v := fragmentation.FCI(oracle.Codes("A"), 0); v.Reason != measure.BelowMinContacts {
		t.Errorf("FCI of one contact under the default minContacts = %v, want BELOW_MIN_CONTACTS", v)
	}
	if v := fragmentation.FCI(nil, 0); v.Reason != measure.NoContacts {
		t.Errorf("FCI of no contacts = %v, want NO_CONTACTS", v)
	}
	if v := fragmentation.FCI(oracle.Codes("AAB"), 4); v.Reason != measure.BelowMinContacts {
		t.Errorf("FCI below minContacts 4 = %v", v)
	}
	for seq, want := range map[string]measure.Reason{"": measure.NoContacts, "A": measure.BelowMinContacts, "AAAB": measure.TooFewRemaining, "AA": measure.TooFewRemaining} {
		if v := fragmentation.ReducedFCI(oracle.Codes(seq), 0); v.Reason != want {
			t.Errorf("ReducedFCI(%q) = %v, want %s", seq, v, want)
		}
	}
	// Tied usual providers (A, B) have equal counts, so whichever is
	// removed the value is the same.
	if v := fragmentation.ReducedFCI(oracle.Codes("ABCAB"), 0); v.V != 2.0/3 {
		t.Errorf("ReducedFCI(ABCAB) = %v, want 2/3", v)
	}
}

// TestH1FCI checks FCI at the three levels and rFCI of oracle H1 (§2.1, §3.2).
func TestH1FCI(t *testing.T) {
	var file struct {
		Contacts []struct{ Professional, Organisation, Sector string }
		Expect   struct {
			Professional struct {
				FCI  string
				RFCI string `json:"rFCI"`
			}
			Organisation struct {
				FCI  string
				RFCI string `json:"rFCI"`
			}
			Sector struct{ FCI string }
		}
	}
	oracle.Load(t, "h1_handoffs.json", &file)
	codes := map[string]int{}
	code := func(s string) int {
		if c, ok := codes[s]; ok {
			return c
		}
		codes[s] = len(codes)
		return codes[s]
	}
	var prof, org, sec []int
	for _, c := range file.Contacts {
		prof = append(prof, code(c.Professional))
		org = append(org, code(c.Organisation))
		sec = append(sec, code(c.Sector))
	}
	oracle.Check(t, "H1 professional FCI", fragmentation.FCI(prof, 0), file.Expect.Professional.FCI)
	oracle.Check(t, "H1 organisation FCI", fragmentation.FCI(org, 0), file.Expect.Organisation.FCI)
	oracle.Check(t, "H1 sector FCI", fragmentation.FCI(sec, 0), file.Expect.Sector.FCI)
	oracle.Check(t, "H1 professional rFCI", fragmentation.ReducedFCI(prof, 0), file.Expect.Professional.RFCI)
	oracle.Check(t, "H1 organisation rFCI", fragmentation.ReducedFCI(org, 0), file.Expect.Organisation.RFCI)
}

// TestSimpleGraphs checks Borgatti's F and DF on the graphs of §2.4.
func TestSimpleGraphs(t *testing.T) {
	var file oracle.W1File
	oracle.Load(t, "graphs.json", &file)
	if len(file.Simple) != 7 {
		t.Fatalf("graphs.json has %d simple graphs, want 7", len(file.Simple))
	}
	for _, c := range file.Simple {
		var es []ugraph.Edge
		for _, e := range c.Edges {
			es = append(es, ugraph.Edge{U: e[0], V: e[1]})
		}
		g, err := ugraph.New(c.N, es)
		if err != nil {
			t.Fatal(err)
		}
		oracle.Check(t, c.ID+" F", fragmentation.Borgatti(g), c.F)
		oracle.Check(t, c.ID+" DF", fragmentation.DistanceWeighted(g), c.DF)
	}
}

// TestW1 checks oracle W1 (§5.7): F and DF of the three graphs, key-player
// scores, distinct counts, and the web's Part 1 rule 11 measures.
func TestW1(t *testing.T) {
	var file oracle.W1File
	oracle.Load(t, "graphs.json", &file)
	subs := oracle.W1Subgraphs(t, &file)
	for name, want := range file.W1.Subgraphs {
		g := subs[name].Graph
		if g.Order() != want.N || g.Size() != want.M {
			t.Errorf("W1 %s: n, m = %d, %d, want %d, %d", name, g.Order(), g.Size(), want.N, want.M)
		}
		oracle.Check(t, "W1 "+name+" F", fragmentation.Borgatti(g), want.F)
		oracle.Check(t, "W1 "+name+" DF", fragmentation.DistanceWeighted(g), want.DF)
	}

	noP := subs["without_person"]
	for id, want := range file.W1.KeyPlayerWithoutPerson {
		f, df := fragmentation.KeyPlayer(noP.Graph, noP.Index[id])
		oracle.Check(t, "W1 KPP-Neg F without "+id, f, want.F)
		oracle.Check(t, "W1 KPP-Neg DF without "+id, df, want.DF)
	}

	web := subs["with_person"]
	kinds := map[string]fragmentation.Kind{"person": fragmentation.Person, "carer": fragmentation.Carer, "professional": fragmentation.Professional}
	var kind []fragmentation.Kind
	var profs, orgs, secs []int
	for i, n := range web.Nodes {
		kind = append(kind, kinds[n.Kind])
		if n.Kind == "professional" {
			profs = append(profs, i)
			orgs = append(orgs, web.Org[i])
			secs = append(secs, web.Sector[i])
		}
	}
	d := file.W1.Distinct
	if got := [3]int{fragmentation.Distinct(profs), fragmentation.Distinct(orgs), fragmentation.Distinct(secs)}; got != [3]int{d.Professionals, d.Organisations, d.Sectors} {
		t.Errorf("W1 distinct professionals, organisations, sectors = %v, want %d, %d, %d", got, d.Professionals, d.Organisations, d.Sectors)
	}

	res, err := fragmentation.AnalyseWeb(fragmentation.Web{Graph: web.Graph, Kind: kind, Organisation: web.Org})
	if err != nil {
		t.Fatal(err)
	}
	w := file.W1.Web
	oracle.Check(t, "W1 networkFragmentation", res.NetworkFragmentation, w["networkFragmentation"])
	oracle.Check(t, "W1 professionalFragmentation", res.ProfessionalFragmentation, w["professionalFragmentation"])
	oracle.Check(t, "W1 distanceWeightedFragmentation", res.DistanceWeightedFragmentation, w["distanceWeightedFragmentation"])
	oracle.Check(t, "W1 carerDependency", res.CarerDependency, w["carerDependency"])
	oracle.Check(t, "W1 carerBridgingShare", res.CarerBridgingShare, w["carerBridgingShare"])

	pairs, bridged := fragmentation.CarerBridgingPairs(web.Graph, kind, web.Org)
	if pairs != file.W1.CarerBridging.UnlinkedCrossOrgPairs || bridged != file.W1.CarerBridging.BridgedByCarer {
		t.Errorf("W1 carer bridging pairs = %d bridged %d, want %d, %d", pairs, bridged, file.W1.CarerBridging.UnlinkedCrossOrgPairs, file.W1.CarerBridging.BridgedByCarer)
	}
	// The reference's other figure, pairs bridged by a professional, by
	// brute force: professionals bridge as many pairs as the carer does.
	byProf := 0
	for _, e := range crossPairs(web.Graph, kind, web.Org) {
		for _, c := range web.Graph.Neighbours(e[0]) {
			if kind[c] == fragmentation.Professional && web.Graph.HasEdge(int(c), e[1]) {
				byProf++
				break
			}
		}
	}
	if byProf != file.W1.CarerBridging.BridgedByProfessional {
		t.Errorf("W1 pairs bridged by a professional = %d, want %d", byProf, file.W1.CarerBridging.BridgedByProfessional)
	}
}

// crossPairs lists the unlinked cross-organisation professional pairs, by
// brute force, for the test's own count.
func crossPairs(g *ugraph.Graph, kind []fragmentation.Kind, org []int) [][2]int {
	var out [][2]int
	for a := 0; a < g.Order(); a++ {
		for b := a + 1; b < g.Order(); b++ {
			if kind[a] == fragmentation.Professional && kind[b] == fragmentation.Professional && org[a] != org[b] && !g.HasEdge(a, b) {
				out = append(out, [2]int{a, b})
			}
		}
	}
	return out
}

// TestCD1 checks care density, its leave-one-out variant and fragmented
// care density on the CareDensity package's fixture (§2.3, §5.6).
func TestCD1(t *testing.T) {
	var file struct {
		Contacts [][2]string
		Types    map[string]string
		Omega    []struct {
			A, B string
			W    float64
		}
		PairWeights map[string]int64
		Expect      map[string]struct{ CD, LeaveOneOut, FCD string }
	}
	oracle.Load(t, "cd1_care_density.json", &file)
	provCode := map[string]int{"A": 0, "C": 1, "D": 2}
	typeCode := map[string]int{"GP": 0, "Psychiatrist": 1}
	byPerson := map[string][]int{}
	var order []string
	for _, c := range file.Contacts {
		if _, ok := byPerson[c[0]]; !ok {
			order = append(order, c[0])
		}
		byPerson[c[0]] = append(byPerson[c[0]], provCode[c[1]])
	}
	var sets [][]int
	for _, p := range order {
		sets = append(sets, byPerson[p])
	}
	share, err := fragmentation.NewSharing(sets)
	if err != nil {
		t.Fatal(err)
	}
	for pair, want := range file.PairWeights {
		a, b := provCode[pair[:1]], provCode[pair[2:]]
		if got := share.Weight(a, b); got != want {
			t.Errorf("w(%s) = %d, want %d", pair, got, want)
		}
		if share.Weight(b, a) != share.Weight(a, b) {
			t.Errorf("w(%s) is not symmetric", pair)
		}
	}
	if share.Pairs() != len(file.PairWeights) {
		t.Errorf("sharing network has %d pairs, want %d", share.Pairs(), len(file.PairWeights))
	}
	typeOf := make([]int, len(provCode))
	for p, ty := range file.Types {
		typeOf[provCode[p]] = typeCode[ty]
	}
	omega := [][]float64{{0, 0}, {0, 0}}
	for _, o := range file.Omega {
		a, b := typeCode[o.A], typeCode[o.B]
		omega[a][b], omega[b][a] = o.W, o.W
	}
	for person, want := range file.Expect {
		ps := byPerson[person]
		oracle.Check(t, "CD person "+person, fragmentation.CareDensity(ps, share.Weight), want.CD)
		oracle.Check(t, "CD leave-one-out person "+person, fragmentation.LeaveOneOutCareDensity(ps, share.Weight), want.LeaveOneOut)
		oracle.Check(t, "FCD person "+person, fragmentation.FragmentedCareDensity(ps, share.Weight, typeOf, omega), want.FCD)
	}
	if n := len(file.Expect); n != 5 {
		t.Errorf("cd1 has %d persons, want 5", n)
	}
}
