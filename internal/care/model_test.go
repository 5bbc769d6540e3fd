package care

import "testing"

// The enum parsers share parseEnum: any letter case, '-' or ' ' for '_',
// surrounding space ignored; anything else refused with the zero value.
func TestParseEnums(t *testing.T) {
	for _, c := range []struct {
		parse  func(string) (string, bool)
		in     string
		want   string
		wantOK bool
	}{
		{asString(ParseSector), " Primary-Care ", "primary_care", true},
		{asString(ParseSector), "primary care", "primary_care", true},
		{asString(ParseSector), "hospital", "", false},
		{asString(ParseRole), "District Nurse", "district_nurse", true},
		{asString(ParseRole), "nurse", "", false},
		{asString(ParseMode), "FACE-TO-FACE", "face_to_face", true},
		{asString(ParseMode), "email", "", false},
		{asString(ParseBasis), "Lasting Power Of Attorney", "lasting_power_of_attorney", true},
		{asString(ParseBasis), "verbal", "", false},
		{asString(ParseAccess), "Carer", "carer", true},
		{asString(ParseAccess), "root", "", false},
		{asString(ParseAccess), "", "", false},
	} {
		if got, ok := c.parse(c.in); got != c.want || ok != c.wantOK {
			t.Errorf("%q: got %q, %v; want %q, %v", c.in, got, ok, c.want, c.wantOK)
		}
	}
}

func asString[T ~string](parse func(string) (T, bool)) func(string) (string, bool) {
	return func(s string) (string, bool) {
		v, ok := parse(s)
		return string(v), ok
	}
}
