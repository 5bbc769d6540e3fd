package demo

import (
	"github.com/careweb/careweb/internal/care"
)

// The population's identifiers are a letter prefix and a zero-padded
// counter. They are built by appending into a reused buffer because the
// contact loop makes tens of millions of them and fmt would dominate its cost.
const (
	personPrefix       = "p"
	carerPrefix        = "c"
	professionalPrefix = "pro"
	organisationPrefix = "org"
	contactPrefix      = "k"
	referralPrefix     = "r"

	personWidth       = 6
	carerWidth        = 6
	professionalWidth = 5
	organisationWidth = 4
	contactWidth      = 8
	referralWidth     = 7
)

// appendID appends prefix and n, zero-padded to at least width digits.
// Wider numbers keep all their digits (ids stay unique, if no longer sorted
// numerically), so a population beyond the padded range still works.
func appendID(buf []byte, prefix string, n, width int) []byte {
	buf = append(buf, prefix...)
	var d [20]byte
	i := len(d)
	u := uint64(n)
	if n < 0 {
		u = 0
	}
	for {
		i--
		d[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	for pad := width - (len(d) - i); pad > 0; pad-- {
		buf = append(buf, '0')
	}
	return append(buf, d[i:]...)
}

// appendDate appends d as YYYY-MM-DD; it agrees with care.Date.String for
// the years a batch accepts, without going through time.Format.
func appendDate(buf []byte, d care.Date) []byte {
	y, m, day := civil(int64(d))
	if y < 0 || y > 9999 {
		return append(buf, d.String()...)
	}
	buf = append(buf, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	buf = append(buf, byte('0'+m/10), byte('0'+m%10), '-')
	return append(buf, byte('0'+day/10), byte('0'+day%10))
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's days_from_civil inverse, exact for every int32 day).
func civil(z int64) (y int64, m, d int64) {
	z += 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// appendRelationshipID appends the id care.RelationshipID derives, so that
// the generator's explicit ids are the ones a store would derive itself
// (re-importing the same relationship without an id is still an upsert).
func appendRelationshipID(buf []byte, t care.RelType, from, to string, start care.Date) []byte {
	buf = append(buf, t...)
	buf = append(buf, ':')
	buf = append(buf, from...)
	buf = append(buf, ':')
	buf = append(buf, to...)
	buf = append(buf, ':')
	if start == care.NoStart {
		return append(buf, "open"...)
	}
	return appendDate(buf, start)
}

// weekday returns d's day of the week, 0 = Sunday as in time.Weekday.
func weekday(d care.Date) int {
	w := (int64(d)%7 + 4) % 7 // 1970-01-01 was a Thursday
	if w < 0 {
		w += 7
	}
	return int(w)
}
