package ui

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"testing"
)

// WCAG 2.2: contrast ratio (L1 + 0.05) / (L2 + 0.05) of the relative
// luminances, sRGB channels linearised. AA asks 4.5:1 for text (1.4.3)
// and 3:1 for the graphics and control edges needed to understand the
// page (1.4.11).
const (
	textAA    = 4.5
	graphicAA = 3.0
)

func luminance(hex string) (float64, error) {
	if len(hex) != 7 || hex[0] != '#' {
		return 0, fmt.Errorf("colour %q: want #rrggbb", hex)
	}
	var ch [3]float64
	for i := range 3 {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			return 0, fmt.Errorf("colour %q: %v", hex, err)
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			ch[i] = c / 12.92
		} else {
			ch[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*ch[0] + 0.7152*ch[1] + 0.0722*ch[2], nil
}

func contrast(a, b string) (float64, error) {
	la, err := luminance(a)
	if err != nil {
		return 0, err
	}
	lb, err := luminance(b)
	if err != nil {
		return 0, err
	}
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05), nil
}

func TestContrastFormula(t *testing.T) {
	// Fixed points of the WCAG formula.
	for _, c := range []struct {
		a, b string
		want float64
	}{{"#000000", "#ffffff", 21}, {"#ffffff", "#ffffff", 1}, {"#767676", "#ffffff", 4.54}, {"#777777", "#ffffff", 4.48}} {
		got, err := contrast(c.a, c.b)
		if err != nil || math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, %v; want %.2f", c.a, c.b, got, err, c.want)
		}
	}
	if _, err := contrast("#12345", "#ffffff"); err == nil {
		t.Error("a malformed colour was accepted")
	}
}

// cssColours reads the custom properties of style.css's :root.
func cssColours(t *testing.T) map[string]string {
	t.Helper()
	b, err := assets.ReadFile("assets/style.css")
	if err != nil {
		t.Fatal(err)
	}
	root := regexp.MustCompile(`(?s):root\s*\{(.*?)\}`).FindSubmatch(b)
	if root == nil {
		t.Fatal("style.css has no :root block")
	}
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\s*;`).FindAllSubmatch(root[1], -1) {
		out[string(m[1])] = string(m[2])
	}
	return out
}

// TestColourContrast checks every pair of colours the page draws one on
// the other, as named in style.css (the page and the drawing take their
// colours from there only).
func TestColourContrast(t *testing.T) {
	c := cssColours(t)
	sectors := []string{"primary", "community", "secondary", "mental", "social", "voluntary", "housing", "other", "unknown", "carer"}
	type pair struct {
		fg, bg string
		min    float64
		what   string
	}
	pairs := []pair{
		{"text", "bg", textAA, "body text"},
		{"text", "surface", textAA, "text in panels, table and drawing labels; coordinator's ring and star outline"},
		{"muted", "bg", textAA, "secondary text"},
		{"muted", "surface", textAA, "secondary text in panels and table; chart ticks; form field borders"},
		{"link", "bg", textAA, "links"},
		{"link", "surface", textAA, "names in the table (buttons styled as links)"},
		{"error", "error-bg", textAA, "error message"},
		{"button-text", "button", textAA, "button label"},
		{"person-text", "person", textAA, "the person's name at the centre"},
		{"unlinked", "surface", textAA, "'not linked' badge text; dashed ring of a professional nobody else is linked to"},
		{"focus", "surface", graphicAA, "focus ring on panels and the drawing"},
		{"focus", "bg", graphicAA, "focus ring on the page"},
		{"line", "surface", graphicAA, "LINKED_TO lines"},
		{"joined", "surface", graphicAA, "joined bars"},
		{"left", "surface", graphicAA, "left bars"},
		{"joined", "bg", graphicAA, "joined key"},
		{"left", "bg", graphicAA, "left key"},
	}
	for _, s := range sectors {
		pairs = append(pairs,
			pair{"node-text", s, textAA, "member number on a " + s + " node"},
			// Text contrast on the drawing's surface also covers the
			// nodes (graphics need only 3:1).
			pair{s, "surface", textAA, s + " organisation and sector names, band labels, nodes against the drawing"},
			pair{s, "bg", textAA, s + " sector names on the page"})
	}
	used := map[string]bool{}
	for _, p := range pairs {
		fg, bg := c[p.fg], c[p.bg]
		if fg == "" || bg == "" {
			t.Errorf("%s: --%s or --%s is not a #rrggbb custom property in style.css", p.what, p.fg, p.bg)
			continue
		}
		used[p.fg], used[p.bg] = true, true
		r, err := contrast(fg, bg)
		if err != nil {
			t.Error(err)
			continue
		}
		if r < p.min {
			t.Errorf("%s: --%s %s on --%s %s has contrast %.2f:1, want at least %.1f:1", p.what, p.fg, fg, p.bg, bg, r, p.min)
		} else {
			t.Logf("%-62s %s on %s  %5.2f:1 (AA %.1f)", p.what, fg, bg, r, p.min)
		}
	}
	// Colours that carry no information of their own: hairlines, the
	// spokes every member has, and the star's fill (its outline is
	// checked above).
	decorative := map[string]bool{"rule": true, "spoke": true, "star": true}
	for name := range c {
		if !used[name] && !decorative[name] {
			t.Errorf("--%s is defined in style.css but no contrast pair checks it", name)
		}
	}
	if len(c) < 20 {
		t.Errorf("read only %d colours from style.css; the parser has gone wrong", len(c))
	}
}
