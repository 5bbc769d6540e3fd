package analysis

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/measure"
)

type fieldKind uint8

const (
	countField fieldKind = iota // an int, never null
	valueField                  // a measure.Value
	textField                   // a string, null when ""
)

// field is one output column: a Part 1 name in a group, or a proposal.
type field struct {
	group, key string
	kind       fieldKind
	proposal   bool
	count      func(*Result) int
	val        func(*Result) measure.Value
	text       func(*Result) (string, measure.Reason)
}

func (f *field) name() string { return f.group + "." + f.key }

// value returns the field as a number (counts as defined values).
func (f *field) value(r *Result) measure.Value {
	if f.kind == countField {
		return measure.Of(float64(f.count(r)))
	}
	return f.val(r)
}

func cnt(group, key string, f func(*Result) int) field {
	return field{group: group, key: key, kind: countField, count: f}
}

func val(group, key string, f func(*Result) measure.Value) field {
	return field{group: group, key: key, kind: valueField, val: f}
}

func txt(group, key string, f func(*Result) (string, measure.Reason)) field {
	return field{group: group, key: key, kind: textField, text: f}
}

func prop(f field) field { f.proposal = true; return f }

func dateText(d care.Date, reason measure.Reason) (string, measure.Reason) {
	if d.IsOpen() {
		return "", reason
	}
	return d.String(), ""
}

// fieldTable is the one list of output fields: JSON keys, CSV columns,
// reason keys and summary metrics all come from it, so they cannot
// disagree. Part 1's names, in Part 1's order, then the proposals.
var fieldTable = [...]field{
	cnt("continuity", "contacts", func(r *Result) int { return r.Continuity.Contacts }),
	cnt("continuity", "providers", func(r *Result) int { return r.Continuity.Providers }),
	val("continuity", "upc", func(r *Result) measure.Value { return r.Continuity.UPC }),
	val("continuity", "coc", func(r *Result) measure.Value { return r.Continuity.COC }),
	val("continuity", "hhi", func(r *Result) measure.Value { return r.Continuity.HHI }),
	val("continuity", "secon", func(r *Result) measure.Value { return r.Continuity.SECON }),
	val("continuity", "mmci", func(r *Result) measure.Value { return r.Continuity.MMCI }),
	val("continuity", "kpc", func(r *Result) measure.Value { return r.Continuity.KPC }),
	txt("continuity", "usualProvider", func(r *Result) (string, measure.Reason) {
		return r.Continuity.UsualProvider, r.Continuity.UsualProviderReason
	}),
	cnt("fragmentation", "professionals", func(r *Result) int { return r.Fragmentation.Professionals }),
	cnt("fragmentation", "organisations", func(r *Result) int { return r.Fragmentation.Organisations }),
	cnt("fragmentation", "sectors", func(r *Result) int { return r.Fragmentation.Sectors }),
	val("fragmentation", "fci", func(r *Result) measure.Value { return r.Fragmentation.FCI }),
	val("fragmentation", "networkFragmentation", func(r *Result) measure.Value { return r.Fragmentation.NetworkFragmentation }),
	val("fragmentation", "professionalFragmentation", func(r *Result) measure.Value { return r.Fragmentation.ProfessionalFragmentation }),
	val("fragmentation", "distanceWeightedFragmentation", func(r *Result) measure.Value { return r.Fragmentation.DistanceWeightedFragmentation }),
	val("fragmentation", "carerDependency", func(r *Result) measure.Value { return r.Fragmentation.CarerDependency }),
	val("fragmentation", "carerBridgingShare", func(r *Result) measure.Value { return r.Fragmentation.CarerBridgingShare }),
	val("fragmentation", "careDensity", func(r *Result) measure.Value { return r.Fragmentation.CareDensity }),
	cnt("handoffs", "total", func(r *Result) int { return r.Handoffs.Total }),
	cnt("handoffs", "crossOrganisation", func(r *Result) int { return r.Handoffs.CrossOrganisation }),
	cnt("handoffs", "crossSector", func(r *Result) int { return r.Handoffs.CrossSector }),
	cnt("handoffs", "supported", func(r *Result) int { return r.Handoffs.Supported }),
	cnt("handoffs", "unsupported", func(r *Result) int { return r.Handoffs.Unsupported }),

	prop(txt("proposals", "usualProviderSince", func(r *Result) (string, measure.Reason) {
		return dateText(r.Continuity.UsualProviderSince, r.Continuity.UsualProviderReason)
	})),
	prop(val("proposals", "usualProviderDays", func(r *Result) measure.Value { return r.Continuity.UsualProviderDays })),
	prop(cnt("proposals", "unresolvedContacts", func(r *Result) int { return r.Continuity.Unresolved })),
	prop(cnt("proposals", "carers", func(r *Result) int { return r.Fragmentation.Carers })),
	prop(cnt("proposals", "handoffsUnknownOrganisation", func(r *Result) int { return r.Handoffs.UnknownOrganisation })),
	prop(cnt("proposals", "handoffsUnknownSector", func(r *Result) int { return r.Handoffs.UnknownSector })),
	prop(val("proposals", "handoffsPerContact", func(r *Result) measure.Value { return r.Handoffs.PerContact })),
	prop(val("proposals", "handoffsPerMonth", func(r *Result) measure.Value { return r.Handoffs.PerMonth })),
	prop(cnt("proposals", "settingTransitions", func(r *Result) int { return r.Handoffs.SettingTransitions })),
	prop(val("proposals", "settingTransitionsPerYear", func(r *Result) measure.Value { return r.Handoffs.SettingTransitionsPerYear })),
	prop(txt("proposals", "coordinator", func(r *Result) (string, measure.Reason) {
		return r.Coordinator.Coordinator, r.Coordinator.Days.Reason
	})),
	prop(txt("proposals", "coordinatorSince", func(r *Result) (string, measure.Reason) {
		reason := r.Coordinator.Days.Reason
		if reason == "" {
			reason = UnknownStart
		}
		return dateText(r.Coordinator.Since, reason)
	})),
	prop(val("proposals", "coordinatorDays", func(r *Result) measure.Value { return r.Coordinator.Days })),
	prop(cnt("proposals", "joined", func(r *Result) int { return r.Churn.Joined })),
	prop(cnt("proposals", "left", func(r *Result) int { return r.Churn.Left })),
	prop(txt("proposals", "usualOrganisation", func(r *Result) (string, measure.Reason) {
		return r.Cohort.Organisation, measure.NoContacts
	})),
	prop(txt("proposals", "practice", func(r *Result) (string, measure.Reason) {
		return r.Cohort.Practice, measure.NoContacts
	})),
	prop(txt("proposals", "usualSector", func(r *Result) (string, measure.Reason) {
		return r.Cohort.Sector, measure.NoContacts
	})),
}

func fields() []field { return fieldTable[:] }

// Record is one line of the batch CLI's JSON output (JSON Lines):
//
//	{"person":"p-1",
//	 "continuity":{"contacts":8,"providers":6,"upc":0.25,...,"usualProvider":"GP1"},
//	 "fragmentation":{"professionals":6,...,"careDensity":null},
//	 "handoffs":{"total":6,"crossOrganisation":5,"crossSector":3,"supported":3,"unsupported":3},
//	 "reasons":{"fragmentation.careDensity":"TOO_FEW_PROVIDERS"}}
//
// The continuity, fragmentation and handoffs objects have exactly
// METRICS-REFERENCE Part 1's names ("usualProvider" is the id string);
// an undefined value is JSON null, never 0. "reasons" maps "group.name" of
// every null to its reason code (measure.Reason; Message gives the
// sentence); it is {} when nothing is null. With Proposals set, a
// "proposals" object before "reasons" carries CareWeb's own measures
// (tenure, churn with its periods, handoff rates, cohort attributes), each
// documented as a PROPOSAL.
type Record struct {
	Result    *Result
	Proposals bool
}

// MarshalJSON encodes the record as one JSON object.
func (r Record) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

// AppendJSON appends the record's JSON to b (no trailing newline). It
// does not allocate beyond growing b, for the batch CLI's hot loop.
func (r Record) AppendJSON(b []byte) []byte {
	res := r.Result
	if res == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"person":`...)
	b = appendString(b, res.Person)
	group := ""
	for i := range fieldTable {
		f := &fieldTable[i]
		if f.proposal && !r.Proposals {
			continue
		}
		if f.group != group {
			if group != "" {
				b = append(b, '}')
			}
			b = append(b, ',', '"')
			b = append(b, f.group...)
			b = append(b, `":{`...)
			group = f.group
		} else {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, f.key...)
		b = append(b, '"', ':')
		b = appendField(b, f, res)
	}
	if r.Proposals {
		b = append(b, `,"churnPeriod":`...)
		b = appendString(b, string(res.Churn.Period))
		b = append(b, `,"churn":[`...)
		for i, p := range res.Churn.Periods {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"from":"`...)
			b = append(b, p.From.String()...)
			b = append(b, `","to":"`...)
			b = append(b, p.To.String()...)
			b = append(b, `","joined":`...)
			b = strconv.AppendInt(b, int64(p.Joined), 10)
			b = append(b, `,"left":`...)
			b = strconv.AppendInt(b, int64(p.Left), 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `},"reasons":{`...)
	first := true
	for i := range fieldTable {
		f := &fieldTable[i]
		if f.proposal && !r.Proposals {
			continue
		}
		reason := fieldReason(f, res)
		if reason == "" {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, f.group...)
		b = append(b, '.')
		b = append(b, f.key...)
		b = append(b, '"', ':')
		b = appendString(b, string(reason))
	}
	return append(b, '}', '}')
}

// fieldReason returns why f is null in res, or "" when it is not null.
func fieldReason(f *field, res *Result) measure.Reason {
	switch f.kind {
	case valueField:
		if v := f.val(res); !v.Defined {
			if v.Reason == "" {
				return measure.InvalidInput
			}
			return v.Reason
		}
	case textField:
		if s, reason := f.text(res); s == "" {
			if reason == "" {
				return measure.InvalidInput
			}
			return reason
		}
	}
	return ""
}

func appendField(b []byte, f *field, res *Result) []byte {
	switch f.kind {
	case countField:
		return strconv.AppendInt(b, int64(f.count(res)), 10)
	case valueField:
		return appendValue(b, f.val(res))
	}
	s, _ := f.text(res)
	if s == "" {
		return append(b, "null"...)
	}
	return appendString(b, s)
}

// appendValue appends a defined value as a JSON number and an undefined
// one as null.
func appendValue(b []byte, v measure.Value) []byte {
	if !v.Defined || math.IsNaN(v.V) || math.IsInf(v.V, 0) {
		return append(b, "null"...)
	}
	return appendFloat(b, v.V)
}

// appendFloat formats f as encoding/json does: the shortest representation
// that round-trips, in exponent form only for very small or large values.
func appendFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-07 → e-7, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendString appends s as a JSON string: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced by U+FFFD, and U+2028/U+2029
// escaped so the line is also safe to embed in JavaScript.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// CSVOptions choose the CSV columns.
type CSVOptions struct {
	// Proposals adds CareWeb's proposals (the "proposals.*" columns; churn
	// periods are in the JSON only).
	Proposals bool
	// Reasons adds a "<column>.reason" column after every column that can be
	// null, holding the reason code when it is.
	Reasons bool
}

// CSVWriter writes Results as CSV: a header row, then one row per person,
// with the columns "person" and "group.name" (Part 1's names, as the JSON
// reason keys); an undefined value is an empty cell. Not safe for
// concurrent use.
type CSVWriter struct {
	w      *csv.Writer
	opt    CSVOptions
	row    []string
	buf    []byte
	header bool
}

// NewCSVWriter returns a CSVWriter on w.
func NewCSVWriter(w io.Writer, opt CSVOptions) *CSVWriter {
	return &CSVWriter{w: csv.NewWriter(w), opt: opt}
}

// Header returns the column names.
func (cw *CSVWriter) Header() []string {
	h := []string{"person"}
	for i := range fieldTable {
		f := &fieldTable[i]
		if f.proposal && !cw.opt.Proposals {
			continue
		}
		h = append(h, f.name())
		if cw.opt.Reasons && f.kind != countField {
			h = append(h, f.name()+".reason")
		}
	}
	return h
}

// Write writes r's row, preceded by the header on the first call.
func (cw *CSVWriter) Write(r *Result) error {
	if !cw.header {
		cw.header = true
		if err := cw.w.Write(cw.Header()); err != nil {
			return err
		}
	}
	cw.row = append(cw.row[:0], r.Person)
	for i := range fieldTable {
		f := &fieldTable[i]
		if f.proposal && !cw.opt.Proposals {
			continue
		}
		switch f.kind {
		case countField:
			cw.row = append(cw.row, strconv.Itoa(f.count(r)))
		case valueField:
			v := f.val(r)
			if v.Defined {
				cw.buf = appendFloat(cw.buf[:0], v.V)
				cw.row = append(cw.row, string(cw.buf))
			} else {
				cw.row = append(cw.row, "")
			}
		case textField:
			s, _ := f.text(r)
			cw.row = append(cw.row, s)
		}
		if cw.opt.Reasons && f.kind != countField {
			cw.row = append(cw.row, string(fieldReason(f, r)))
		}
	}
	return cw.w.Write(cw.row)
}

// Flush writes any buffered rows and returns the first write error.
func (cw *CSVWriter) Flush() error {
	cw.w.Flush()
	return cw.w.Error()
}
