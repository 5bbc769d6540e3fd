package fhir

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/careweb/careweb/internal/care"
)

// SectorMap gives organisations their sectors where Organization.type
// cannot: FHIR's organisation types rarely say whether a provider is a
// GP practice or a hospital (Synthea calls every one "prov").
type SectorMap struct {
	byKey map[string]care.Sector
}

// ReadSectorMap reads a sector map: CSV with the header
// "organisation,sector" ("organization" is accepted too), one organisation
// per row, named by its reference ("Organization/123"), its logical id
// ("123") or one of its identifiers ("system|value"). Sectors are as in
// nodes.csv. Rows naming organisations that are not in an import are
// ignored, so one map can serve many imports. Problems come back as one
// Invalid error located as "name:line.column".
func ReadSectorMap(name string, r io.Reader) (*SectorMap, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 2
	var ps care.Problems
	m := &SectorMap{byKey: map[string]care.Sector{}}
	line := map[string]int{}
	header := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				ps.Add(fmt.Sprintf("%s:%d", name, pe.StartLine), "", "%v", pe.Err)
				if errors.Is(pe.Err, csv.ErrFieldCount) {
					continue
				}
				break
			}
			return nil, care.Wrap(care.Invalid, err, "%s: cannot read the sector map", name)
		}
		n, _ := cr.FieldPos(0)
		if header {
			header = false
			org := strings.ToLower(strings.TrimSpace(rec[0]))
			if (org != "organisation" && org != "organization") || strings.ToLower(strings.TrimSpace(rec[1])) != "sector" {
				ps.Add(fmt.Sprintf("%s:1", name), strings.Join(rec, ","), "want the header organisation,sector")
				break
			}
			continue
		}
		key := strings.TrimSpace(rec[0])
		if key == "" {
			ps.Add(fmt.Sprintf("%s:%d.organisation", name, n), "", "an organisation id or identifier is required")
			continue
		}
		s, ok := care.ParseSector(rec[1])
		if !ok {
			ps.Add(fmt.Sprintf("%s:%d.sector", name, n), rec[1], "unknown sector: want one of primary_care, community_health, secondary_care, mental_health, social_care, voluntary, housing, other")
			continue
		}
		if prev, dup := m.byKey[key]; dup && prev != s {
			ps.Add(fmt.Sprintf("%s:%d.organisation", name, n), key, "given another sector on line %d", line[key])
			continue
		}
		m.byKey[key] = s
		line[key] = n
	}
	if header && ps.Len() == 0 {
		ps.Add(name+":1", "", "empty file: want the header organisation,sector")
	}
	if err := ps.Err("invalid sector map"); err != nil {
		return nil, err
	}
	return m, nil
}

// lookup finds an organisation's sector by reference, id, then
// identifiers.
func (m *SectorMap) lookup(r *resource) (care.Sector, bool) {
	if m == nil {
		return "", false
	}
	for _, k := range []string{r.key(), r.id} {
		if s, ok := m.byKey[k]; ok {
			return s, true
		}
	}
	for _, id := range r.ident {
		if s, ok := m.byKey[id.System+"|"+id.Value]; ok {
			return s, true
		}
	}
	return "", false
}
