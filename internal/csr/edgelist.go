package csr

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ReadEdgeList reads a plain whitespace-separated edge list, the format
// NetworkX's read_edgelist and igraph's Read_Edgelist share:
//
//	# a comment (from '#' to the end of the line)
//	u v        an edge between the nodes labelled u and v
//	u v w      a weighted edge (every edge line then needs a weight)
//	v          a node on its own line: declares v (an isolated node, or
//	           just fixes v's id), a CareWeb extension
//
// Labels are arbitrary tokens; ids are given in order of first appearance,
// so a file that lists every node first fixes the ids. The graph is
// weighted when the edge lines have three fields; mixing two- and
// three-field edge lines is an error. Self-loops and parallel edges are
// handled as by FromEdges (merge says how parallel weights combine). The
// error names the line.
func ReadEdgeList(r io.Reader, merge Merge) (*Graph, BuildStats, error) {
	b := Builder{Merge: merge}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	fields := 0 // fields per edge line: 0 until the first edge
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		f := strings.Fields(text)
		switch len(f) {
		case 0:
			continue
		case 1:
			b.Node(f[0])
			continue
		case 2, 3:
		default:
			return nil, BuildStats{}, fmt.Errorf("csr: edge list line %d: %d fields; want \"u v\" or \"u v weight\"", line, len(f))
		}
		if fields == 0 {
			fields = len(f)
			b.Weighted = fields == 3
		} else if len(f) != fields {
			return nil, BuildStats{}, fmt.Errorf("csr: edge list line %d: %d fields, but earlier edges had %d (weights must be given on every edge or none)", line, len(f), fields)
		}
		w := 1.0
		if fields == 3 {
			var err error
			if w, err = strconv.ParseFloat(f[2], 64); err != nil {
				return nil, BuildStats{}, fmt.Errorf("csr: edge list line %d: weight %q is not a number", line, f[2])
			}
		}
		b.AddEdge(b.Node(f[0]), b.Node(f[1]), w)
	}
	if err := sc.Err(); err != nil {
		return nil, BuildStats{}, fmt.Errorf("csr: edge list line %d: %w", line+1, err)
	}
	g, st, err := b.Build()
	if err != nil {
		return nil, st, fmt.Errorf("csr: edge list: %w", err)
	}
	return g, st, nil
}

// WriteOptions configures WriteEdgeList.
type WriteOptions struct {
	// Nodes writes every node on a line of its own before the edges, so
	// that ReadEdgeList gives back the same ids and the isolated nodes.
	// Leave it false for tools that accept only "u v" lines (igraph's
	// Read_Edgelist): isolated nodes are then lost.
	Nodes bool
}

// WriteEdgeList writes g in the format ReadEdgeList reads: one "u v" line
// per edge (U < V, ascending), "u v w" when g is weighted, using labels
// (decimal ids when g is unlabelled). Labels containing whitespace or '#'
// cannot be written and are an error.
func WriteEdgeList(w io.Writer, g *Graph, opt WriteOptions) error {
	for v := int32(0); int(v) < g.Order(); v++ {
		if l := g.Label(v); l == "" || strings.ContainsAny(l, " \t\r\n\v\f#") {
			return fmt.Errorf("csr: node %d's label %q cannot be written to an edge list (empty, or contains whitespace or '#')", v, l)
		}
	}
	bw := bufio.NewWriter(w)
	if opt.Nodes {
		for v := int32(0); int(v) < g.Order(); v++ {
			bw.WriteString(g.Label(v))
			bw.WriteByte('\n')
		}
	}
	buf := make([]byte, 0, 64)
	for e := range g.Edges() {
		buf = append(buf[:0], g.Label(e.U)...)
		buf = append(buf, ' ')
		buf = append(buf, g.Label(e.V)...)
		if g.Weighted() {
			buf = append(buf, ' ')
			buf = strconv.AppendFloat(buf, e.W, 'g', -1, 64)
		}
		buf = append(buf, '\n')
		bw.Write(buf)
	}
	return bw.Flush()
}
