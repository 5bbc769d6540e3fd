package fhir

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// resource is one resource read, as the index keeps it.
type resource struct {
	typ, id string
	// at locates it: "file:entry[3](Encounter/abc)".
	at    string
	ident []identifier
	// body is the decoded elements of a mapped type; nil for a type
	// CareWeb does not map (kept, by fullUrl only, so that a reference to
	// it can say what it is).
	body any
}

func (r *resource) key() string { return r.typ + "/" + r.id }

// index holds every resource of the import that references may name.
type index struct {
	list    []*resource            // mapped resources, first occurrences, in read order
	byKey   map[string]*resource   // "Type/id"
	byURL   map[string]*resource   // Bundle entry fullUrl
	byIdent map[string][]*resource // "Type|system|value", and "Type|*|value" for any system
}

func newIndex() *index {
	return &index{byKey: map[string]*resource{}, byURL: map[string]*resource{}, byIdent: map[string][]*resource{}}
}

func (ix *index) add(r *resource) {
	ix.list = append(ix.list, r)
	ix.byKey[r.key()] = r
	for _, id := range r.ident {
		if id.Value == "" {
			continue
		}
		ix.addIdent(r.typ+"|"+id.System+"|"+id.Value, r)
		ix.addIdent(r.typ+"|*|"+id.Value, r)
	}
}

func (ix *index) addIdent(k string, r *resource) {
	if l := ix.byIdent[k]; len(l) == 0 || l[len(l)-1] != r {
		ix.byIdent[k] = append(l, r)
	}
}

// refSpec says what a reference element may point at: the types FHIR R4
// allows there, and those of them CareWeb maps.
type refSpec struct {
	allowed []string
	mapped  []string
}

// refState is the outcome of resolving a reference.
type refState int

const (
	refAbsent   refState = iota // the element is absent (or has only a display)
	refOK                       // resolved: see the target
	refUnmapped                 // a type FHIR allows there but CareWeb does not model
	refBad                      // a problem was reported
)

// target is what a reference resolved to.
type target struct {
	typ, id string
	// r is the resource, or nil when a relative reference names a
	// resource that is not in this import: it may be in the store, which
	// checks when the batch is applied.
	r *resource
}

func (t target) key() string { return t.typ + "/" + t.id }

// storable are the types whose node id follows from the reference alone
// ("Practitioner/123"), so that a reference to one imported earlier can
// be left for the store to check.
var storable = []string{typePatient, typeRelatedPerson, typePractitioner, typeOrganization}

// where names an element of a resource: its string is built only when a
// problem needs it, since most references resolve.
type where struct{ at, path string }

func (w where) String() string { return w.at + "." + w.path }

func (w where) sub(p string) where { return where{w.at, w.path + "." + p} }

// resolve resolves ref, found at w, against the import. It reports a
// problem (and returns refBad) for a reference that does not resolve, is
// ambiguous, or names a type spec does not allow.
func (m *mapper) resolve(ref *reference, w where, spec refSpec) (target, refState) {
	if ref == nil {
		return target{}, refAbsent
	}
	s := strings.TrimSpace(ref.Reference)
	if s == "" {
		if ref.Identifier == nil || ref.Identifier.Value == "" {
			return target{}, refAbsent
		}
		return m.byIdentifier(ref, w, spec)
	}
	switch {
	case strings.HasPrefix(s, "#"):
		m.ps.Add(w.String(), s, "a reference to a contained resource: contained resources are not imported")
		return target{}, refBad
	case strings.HasPrefix(s, "urn:"):
		r := m.ix.byURL[s]
		if r == nil {
			m.ps.Add(w.String(), s, "no Bundle entry in this import has this fullUrl")
			return target{}, refBad
		}
		return m.check(target{typ: r.typ, id: r.id, r: r}, w, s, spec)
	case strings.Contains(s, "?"):
		return m.conditional(s, w, spec)
	}
	if r := m.ix.byURL[s]; r != nil { // an absolute URL used as a fullUrl
		return m.check(target{typ: r.typ, id: r.id, r: r}, w, s, spec)
	}
	typ, id, ok := relative(s)
	if !ok {
		m.ps.Add(w.String(), s, "not a FHIR reference: want Type/id, a urn:uuid fullUrl or Type?identifier=system|value")
		return target{}, refBad
	}
	return m.check(target{typ: typ, id: id, r: m.ix.byKey[typ+"/"+id]}, w, s, spec)
}

// check checks a resolved (or named) target against spec.
func (m *mapper) check(t target, w where, ref string, spec refSpec) (target, refState) {
	if !slices.Contains(spec.allowed, t.typ) {
		m.ps.Add(w.String(), ref, "must reference %s, not a %s", orList(spec.allowed), t.typ)
		return target{}, refBad
	}
	if !slices.Contains(spec.mapped, t.typ) {
		return t, refUnmapped
	}
	if t.r == nil && !slices.Contains(storable, t.typ) {
		m.ps.Add(w.String(), ref, "%s is not in this import", t.key())
		return target{}, refBad
	}
	return t, refOK
}

// relative splits "Type/id", "Type/id/_history/2" or an absolute URL
// ending in Type/id.
func relative(s string) (typ, id string, ok bool) {
	if i := strings.Index(s, "/_history/"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, "/")
	if len(parts) < 2 {
		return "", "", false
	}
	typ, id = parts[len(parts)-2], parts[len(parts)-1]
	if !resourceTypeName(typ) || !validID(id) {
		return "", "", false
	}
	return typ, id, true
}

// resourceTypeName reports whether s looks like a FHIR resource type:
// letters, starting with a capital.
func resourceTypeName(s string) bool {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// conditional resolves "Type?identifier=system|value" (also "value" for
// any system, "|value" for none) against the identifiers of the import.
func (m *mapper) conditional(s string, w where, spec refSpec) (target, refState) {
	base, query, _ := strings.Cut(s, "?")
	typ := base[strings.LastIndexByte(base, '/')+1:]
	name, raw, _ := strings.Cut(query, "=")
	if !resourceTypeName(typ) || name != "identifier" || strings.ContainsAny(raw, "&;") {
		m.ps.Add(w.String(), s, "a conditional reference CareWeb cannot resolve: want Type?identifier=system|value")
		return target{}, refBad
	}
	if !slices.Contains(spec.allowed, typ) {
		m.ps.Add(w.String(), s, "must reference %s, not a %s", orList(spec.allowed), typ)
		return target{}, refBad
	}
	if !slices.Contains(spec.mapped, typ) {
		return target{typ: typ}, refUnmapped
	}
	token, err := url.QueryUnescape(raw)
	if err != nil {
		m.ps.Add(w.String(), s, "the identifier is not URL-encoded properly")
		return target{}, refBad
	}
	key := typ + "|*|" + token
	if system, value, ok := strings.Cut(token, "|"); ok {
		key = typ + "|" + system + "|" + value
	}
	return m.unique(m.ix.byIdent[key], w, s, typ+" with identifier "+token)
}

// byIdentifier resolves a logical reference: {"identifier": {...}}, with
// or without a type.
func (m *mapper) byIdentifier(ref *reference, w where, spec refSpec) (target, refState) {
	id := ref.Identifier
	types := spec.mapped
	if ref.Type != "" {
		if !slices.Contains(spec.allowed, ref.Type) {
			m.ps.Add(w.sub("type").String(), ref.Type, "must reference %s, not a %s", orList(spec.allowed), ref.Type)
			return target{}, refBad
		}
		if !slices.Contains(spec.mapped, ref.Type) {
			return target{typ: ref.Type}, refUnmapped
		}
		types = []string{ref.Type}
	}
	var found []*resource
	for _, t := range types {
		for _, r := range m.ix.byIdent[t+"|"+id.System+"|"+id.Value] {
			if !slices.Contains(found, r) {
				found = append(found, r)
			}
		}
	}
	return m.unique(found, w.sub("identifier"), id.System+"|"+id.Value, "resource with identifier "+id.System+"|"+id.Value)
}

// unique wants exactly one match.
func (m *mapper) unique(found []*resource, w where, ref, what string) (target, refState) {
	switch len(found) {
	case 0:
		m.ps.Add(w.String(), ref, "no %s in this import (references by identifier resolve only against the files of the same import)", what)
		return target{}, refBad
	case 1:
		r := found[0]
		return target{typ: r.typ, id: r.id, r: r}, refOK
	}
	var at []string
	for _, r := range found[:min(3, len(found))] {
		at = append(at, r.at)
	}
	m.ps.Add(w.String(), ref, "ambiguous: %d resources match (%s)", len(found), strings.Join(at, ", "))
	return target{}, refBad
}

// orList writes ["A", "B", "C"] as "a A, a B or a C".
func orList(types []string) string {
	var b strings.Builder
	for i, t := range types {
		switch {
		case i == 0:
		case i == len(types)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", indefinite(t), t)
	}
	return b.String()
}

func indefinite(word string) string {
	if word != "" && strings.ContainsRune("AEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}
