package care

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// Validate checks p against the Relay rules CareWeb keeps: sizes between 1
// and MaxPageSize, not First and Last together. field prefixes the paths.
func (p Page) Validate(field string) error {
	var ps Problems
	if p.First < 0 || p.First > MaxPageSize {
		ps.Add(field+"first", strconv.Itoa(p.First), "must be between 1 and %d", MaxPageSize)
	}
	if p.Last < 0 || p.Last > MaxPageSize {
		ps.Add(field+"last", strconv.Itoa(p.Last), "must be between 1 and %d", MaxPageSize)
	}
	if p.First > 0 && p.Last > 0 {
		ps.Add(field+"last", strconv.Itoa(p.Last), "give first or last, not both")
	}
	return ps.Err("invalid page")
}

// TimeKey formats t as a sort key whose byte order is time order (for
// cursors over time-ordered lists).
func TimeKey(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// NameKey is the case-folded name used to sort by name.
func NameKey(name string) string { return strings.ToLower(name) }

// NodeKey returns the sort-key parts of n under order s.
func NodeKey(n Node, s SortOrder) []string {
	if s == SortByName {
		return []string{NameKey(n.Name), n.ID}
	}
	return []string{n.ID}
}

// ContactKey is the sort key of a contact: time, then id.
func ContactKey(c Contact) []string { return []string{TimeKey(c.At), c.ID} }

// ReferralKey is the sort key of a referral: time, then id.
func ReferralKey(r Referral) []string { return []string{TimeKey(r.At), r.ID} }

func compareKeys(a, b []string) int {
	for i := range a {
		if i >= len(b) {
			return 1
		}
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	if len(a) < len(b) {
		return -1
	}
	return 0
}

// PageRange applies p to a list of n items in strictly increasing key
// order (key(i) returns item i's parts, nparts of them) and returns the
// half-open range [lo, hi) of the page and its PageInfo (cursors filled by
// the caller with EncodeCursor). It is the one pagination rule, shared by
// every list of every store so that they all page alike. Unreadable cursors
// return Invalid naming field+"after" or field+"before".
func PageRange(n int, nparts int, key func(i int) []string, p Page, field string) (lo, hi int, info PageInfo, err error) {
	if err := p.Validate(field); err != nil {
		return 0, 0, PageInfo{}, err
	}
	lo, hi = 0, n
	if p.After != "" {
		k, err := DecodeCursor(field+"after", p.After, nparts)
		if err != nil {
			return 0, 0, PageInfo{}, err
		}
		lo = sort.Search(n, func(i int) bool { return compareKeys(key(i), k) > 0 })
	}
	if p.Before != "" {
		k, err := DecodeCursor(field+"before", p.Before, nparts)
		if err != nil {
			return 0, 0, PageInfo{}, err
		}
		hi = sort.Search(n, func(i int) bool { return compareKeys(key(i), k) >= 0 })
	}
	if hi < lo {
		hi = lo
	}
	switch {
	case p.First > 0:
		if hi-lo > p.First {
			hi = lo + p.First
		}
	case p.Last > 0:
		if hi-lo > p.Last {
			lo = hi - p.Last
		}
	default:
		if hi-lo > DefaultPageSize {
			hi = lo + DefaultPageSize
		}
	}
	info = PageInfo{HasPreviousPage: lo > 0, HasNextPage: hi < n, TotalCount: n}
	return lo, hi, info, nil
}

// FillCursors sets the cursor list and the info's start and end cursors.
func FillCursors(info *PageInfo, n int, key func(i int) []string) []string {
	cursors := make([]string, n)
	for i := range cursors {
		cursors[i] = EncodeCursor(key(i)...)
	}
	if n > 0 {
		info.StartCursor, info.EndCursor = cursors[0], cursors[n-1]
	}
	return cursors
}
