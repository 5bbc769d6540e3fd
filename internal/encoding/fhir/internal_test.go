package fhir

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/careweb/careweb/internal/care"
)

// readLine joins a line that spans many fills of the reader's buffer.
func TestReadLine(t *testing.T) {
	long := strings.Repeat("x", 100)
	br := bufio.NewReaderSize(strings.NewReader(long+"\nshort\nlast"), 16)
	for _, want := range []string{long + "\n", "short\n", "last"} {
		got, err := readLine(br)
		if string(got) != want || (err != nil && err != io.EOF) {
			t.Errorf("readLine = %q, %v; want %q", got, err, want)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    string // RFC 3339, UTC
		lastDay string // of the period it names, as an end
	}{
		{"2024", "2024-01-01T00:00:00Z", "2024-12-31"},
		{"2024-02", "2024-02-01T00:00:00Z", "2024-02-29"},
		{"2024-02-10", "2024-02-10T00:00:00Z", "2024-02-10"},
		{"2024-02-10T23:30:00-02:00", "2024-02-11T01:30:00Z", "2024-02-11"},
		{"2024-02-10T10:00:00.123Z", "2024-02-10T10:00:00.123Z", "2024-02-10"},
	} {
		got, prec, err := parseDateTime(tc.in)
		if err != nil || got.Format(time.RFC3339Nano) != tc.want || lastDay(got, prec).String() != tc.lastDay {
			t.Errorf("%s: %v %v %v, want %s ending %s", tc.in, got, lastDay(got, prec), err, tc.want, tc.lastDay)
		}
	}
	for _, bad := range []string{"", "2024-13-01", "2024-02-30", "10/02/2024", "2024-02-10T10:00:00", "2024-02-10T10:00Z", "24"} {
		if _, _, err := parseDateTime(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestCodes(t *testing.T) {
	cc := func(system, code, display, text string) []codeableConcept {
		return []codeableConcept{{Coding: []coding{{System: system, Code: code, Display: display}}, Text: text}}
	}
	for _, tc := range []struct {
		concept []codeableConcept
		want    care.Role
	}{
		{cc("http://nucc.org/provider-taxonomy", "208D00000X", "General Practice", ""), care.RoleGP},
		{cc("", "", "", "Community Psychiatric Nurse"), care.RoleMentalHealthNurse},
		{cc("", "", "", "Consultant psychiatrist"), care.RolePsychiatrist},
		{cc("", "", "", "GP partner"), care.RoleGP},
		{cc("", "", "", "gpwsi"), care.RoleOther}, // "gp" only as a word
		{cc("", "", "", "district_nurse"), care.RoleDistrictNurse},
		{cc("http://terminology.hl7.org/CodeSystem/practitioner-role", "doctor", "Doctor", ""), care.RoleOther},
	} {
		if got := roleOf(tc.concept); got != tc.want {
			t.Errorf("roleOf(%+v) = %s, want %s", tc.concept, got, tc.want)
		}
	}
	for _, tc := range []struct {
		concept []codeableConcept
		want    care.Sector
		ok      bool
	}{
		{cc("http://terminology.hl7.org/CodeSystem/organization-type", "prov", "Healthcare Provider", ""), "", false},
		{cc("http://terminology.hl7.org/CodeSystem/organization-type", "cg", "Community Group", ""), care.SectorVoluntary, true},
		{cc("", "", "", "Mental health hospital"), care.SectorMentalHealth, true},
		{cc("", "", "", "Adult Social Care"), care.SectorSocialCare, true},
		{cc("", "", "", "Secondary care"), care.SectorSecondaryCare, true},
	} {
		if got, ok := sectorOf(tc.concept); got != tc.want || ok != tc.ok {
			t.Errorf("sectorOf(%+v) = %s, %v; want %s, %v", tc.concept, got, ok, tc.want, tc.ok)
		}
	}
	if got := relationOf(append(cc("http://terminology.hl7.org/CodeSystem/v2-0131", "C", "Emergency Contact", ""),
		cc("", "", "", "Neighbour from no. 4")...)); got != "neighbour from no. 4" {
		t.Errorf("relation %q", got)
	}
}

// A setting taken from a long type text is cut to maxSettingLength bytes
// on a character boundary, so that it stays valid UTF-8.
func TestSettingCut(t *testing.T) {
	text := strings.Repeat("x", maxSettingLength-1) + "é and more"
	mode, setting := modeAndSetting(nil, []codeableConcept{{Text: text}})
	if want := strings.Repeat("x", maxSettingLength-1); mode != care.ModeOther || setting != want || !utf8.ValidString(setting) {
		t.Errorf("modeAndSetting = %s, %q; want other, %q", mode, setting, want)
	}
}
