package community

import (
	"math/rand/v2"

	"github.com/careweb/careweb/internal/csr"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// Modularity returns the modularity of the partition of g given by
// membership (membership[v] is node v's group; any non-negative labels),
// at resolution γ (Newman & Girvan 2004; Newman 2006; Reichardt &
// Bornholdt 2006 for γ):
//
//	Q = Σ_c [ L_c/m − γ (k_c / 2m)² ]
//
// L_c the weight of the edges inside group c, k_c the total strength
// (degree) of c's nodes, m the total edge weight. γ = 1 is the usual
// modularity, range [−1/2, 1); one group gives 1 − γ. NetworkX's
// community.modularity(G, communities, weight="weight", resolution=γ).
//
// Undefined: NoEdges when m = 0 (NetworkX divides by zero); InvalidInput
// when len(membership) ≠ n, a label is negative, or γ is negative or not
// finite.
//
// References: Newman MEJ, Girvan M. Finding and evaluating community
// structure in networks. Phys Rev E 2004;69:026113. Newman MEJ. Modularity
// and community structure in networks. PNAS 2006;103(23):8577–8582.
// Reichardt J, Bornholdt S. Statistical mechanics of community detection.
// Phys Rev E 2006;74:016110.
func Modularity(g *csr.Graph, membership []int32, resolution float64) measure.Value {
	n := g.Order()
	if len(membership) != n || !(resolution >= 0 && resolution <= 1e300) {
		return measure.Undefined(measure.InvalidInput)
	}
	comm, count, ok := compact(membership)
	if !ok {
		return measure.Undefined(measure.InvalidInput)
	}
	if g.Size() == 0 {
		return measure.Undefined(measure.NoEdges)
	}
	in := make([]float64, count)  // 2·L_c: arcs inside c
	tot := make([]float64, count) // k_c
	m2 := 0.0                     // 2m
	for v := range int32(n) {
		c := comm[v]
		ws := g.Weights(v)
		for i, u := range g.Neighbours(v) {
			w := 1.0
			if ws != nil {
				w = ws[i]
			}
			tot[c] += w
			if comm[u] == c {
				in[c] += w
			}
		}
	}
	for _, k := range tot {
		m2 += k
	}
	q := 0.0
	for c := range in {
		q += in[c]/m2 - resolution*(tot[c]/m2)*(tot[c]/m2)
	}
	return measure.Of(q)
}

// compact renumbers labels to 0..count−1 in order of first appearance. It
// reports false for a negative label.
func compact(labels []int32) (comm []int32, count int, ok bool) {
	comm = make([]int32, len(labels))
	index := make(map[int32]int32)
	for v, l := range labels {
		if l < 0 {
			return nil, 0, false
		}
		c, seen := index[l]
		if !seen {
			c = int32(len(index))
			index[l] = c
		}
		comm[v] = c
	}
	return comm, len(index), true
}

// Partition is the result of Louvain.
type Partition struct {
	// Membership[v] is node v's community, 0..Count−1, numbered in order of
	// each community's smallest node.
	Membership []int32
	// Count is the number of communities.
	Count int
	// Q is the partition's modularity at the resolution used (undefined
	// when g has no edges).
	Q measure.Value
	// Levels is the number of aggregation levels the method went through.
	Levels int
}

// Louvain partitions g into communities by the Louvain method (Blondel et
// al. 2008), greedily maximising modularity at the given resolution γ
// (1 for Newman's modularity; larger γ gives more, smaller communities).
//
// Each level moves nodes, one at a time in a random order drawn from rng,
// to the neighbouring community with the largest modularity gain
//
//	ΔQ(i → c) = k_{i,c}/m − γ k_i Σ_c / (2m²)
//
// (k_{i,c} the weight from i to c, Σ_c the total strength of c), and
// repeats passes until a pass moves nothing or raises Q by less than 1e-7; then
// each community becomes one node of the next level's graph. It stops when
// a level merges nothing. Ties go to the community met first (the node's
// own, then its neighbours' in adjacency order), so the result depends
// only on g, γ and rng's stream: the same seed gives the same partition.
//
// A graph with no edges gives every node its own community (Q undefined,
// NoEdges). A negative or non-finite γ gives singletons with Q undefined
// (InvalidInput). rng must not be nil.
//
// Reference: Blondel VD, Guillaume J-L, Lambiotte R, Lefebvre E. Fast
// unfolding of communities in large networks. J Stat Mech 2008;P10008.
func Louvain(g *csr.Graph, resolution float64, rng *rand.Rand) Partition {
	n := g.Order()
	member := make([]int32, n)
	for v := range member {
		member[v] = int32(v)
	}
	p := Partition{Membership: member, Count: n}
	if !(resolution >= 0 && resolution <= 1e300) {
		p.Q = measure.Undefined(measure.InvalidInput)
		return p
	}
	if g.Size() == 0 {
		p.Q = measure.Undefined(measure.NoEdges)
		return p
	}
	lv := fromCSR(g)
	for {
		comm, moved := lv.move(resolution, rng)
		if !moved {
			break
		}
		p.Levels++
		for v, c := range member {
			member[v] = comm[c]
		}
		lv = lv.aggregate(comm)
	}
	p.Membership, p.Count, _ = compact(member) // in order of smallest node
	p.Q = Modularity(g, p.Membership, resolution)
	return p
}

// level is one level of the Louvain hierarchy: a weighted graph whose
// nodes are the previous level's communities.
type level struct {
	off  []int64
	adj  []int32
	w    []float64
	self []float64 // weight of the edges inside each node (counted once)
	k    []float64 // strength: Σ_j w_ij + 2·self
	m2   float64   // 2m, constant across levels
}

func fromCSR(g *csr.Graph) *level {
	n := g.Order()
	lv := &level{off: g.Offsets(), adj: g.Adj(), w: g.W(), self: make([]float64, n), k: make([]float64, n)}
	if lv.w == nil {
		lv.w = make([]float64, len(lv.adj))
		for i := range lv.w {
			lv.w[i] = 1
		}
	}
	for v := range int32(n) {
		lv.k[v] = g.Strength(v)
		lv.m2 += lv.k[v]
	}
	return lv
}

// move runs the local-moving phase and returns each node's community
// (renumbered 0..c−1) and whether any node changed community.
func (lv *level) move(gamma float64, rng *rand.Rand) ([]int32, bool) {
	n := len(lv.k)
	comm := make([]int32, n)
	tot := make([]float64, n) // Σ_c
	for v := range comm {
		comm[v] = int32(v)
		tot[v] = lv.k[v]
	}
	wto := make([]float64, n) // weight from the current node to each community
	seen := make([]bool, n)
	cands := make([]int32, 0, 64)
	moved := false
	m2 := lv.m2
	for {
		passMoves := 0
		gain := 0.0
		for _, vi := range rng.Perm(n) {
			v := int32(vi)
			old := comm[v]
			ki := lv.k[v]
			// Weights to neighbouring communities; the node's own first.
			cands = append(cands[:0], old)
			seen[old] = true
			for i := lv.off[v]; i < lv.off[v+1]; i++ {
				u := lv.adj[i]
				if u == v {
					continue
				}
				c := comm[u]
				if !seen[c] {
					seen[c] = true
					cands = append(cands, c)
				}
				wto[c] += lv.w[i]
			}
			tot[old] -= ki
			// Gain of joining c, times m: k_{i,c} − γ k_i Σ_c / 2m. Only the
			// node's own and its neighbours' communities are candidates
			// (joining a community it has no edge to never gains).
			oldGain := wto[old] - gamma*ki*tot[old]/m2
			best, bestGain := old, oldGain
			for _, c := range cands[1:] {
				if g := wto[c] - gamma*ki*tot[c]/m2; g > bestGain {
					best, bestGain = c, g
				}
			}
			tot[best] += ki
			if best != old {
				comm[v] = best
				passMoves++
				gain += bestGain - oldGain
			}
			for _, c := range cands {
				wto[c] = 0
				seen[c] = false
			}
		}
		if passMoves > 0 {
			moved = true
		}
		if passMoves == 0 || 2*gain/m2 < 1e-7 {
			break
		}
	}
	// Renumber communities densely, in node order.
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = -1
	}
	next := int32(0)
	for v, c := range comm {
		if idx[c] < 0 {
			idx[c] = next
			next++
		}
		comm[v] = idx[c]
	}
	return comm, moved && int(next) < n
}

// aggregate returns the graph of lv's communities: one node per community,
// edge weights summed, internal weight kept as self.
func (lv *level) aggregate(comm []int32) *level {
	c := 0
	for _, x := range comm {
		c = max(c, int(x)+1)
	}
	// Members of each community, in node order.
	start := make([]int32, c+1)
	for _, x := range comm {
		start[x+1]++
	}
	for i := 1; i <= c; i++ {
		start[i] += start[i-1]
	}
	members := make([]int32, len(comm))
	fill := make([]int32, c)
	copy(fill, start[:c])
	for v, x := range comm {
		members[fill[x]] = int32(v)
		fill[x]++
	}
	next := &level{off: make([]int64, c+1), self: make([]float64, c), k: make([]float64, c), m2: lv.m2}
	wto := make([]float64, c)
	seen := make([]bool, c)
	var nbr []int32
	for a := range c {
		nbr = nbr[:0]
		for _, v := range members[start[a]:start[a+1]] {
			next.self[a] += lv.self[v]
			next.k[a] += lv.k[v]
			for i := lv.off[v]; i < lv.off[v+1]; i++ {
				b := comm[lv.adj[i]]
				if int(b) == a {
					next.self[a] += lv.w[i] / 2 // each inside edge is met from both ends
					continue
				}
				if !seen[b] {
					seen[b] = true
					nbr = append(nbr, b)
				}
				wto[b] += lv.w[i]
			}
		}
		for _, b := range nbr {
			next.adj = append(next.adj, b)
			next.w = append(next.w, wto[b])
			wto[b] = 0
			seen[b] = false
		}
		next.off[a+1] = int64(len(next.adj))
	}
	return next
}
