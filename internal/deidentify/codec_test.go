package deidentify

import (
	"bufio"
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// fill sets every field reachable from v to a distinct non-zero value,
// two elements in every slice, so that a field the codec forgets shows.
func fill(t *testing.T, v reflect.Value, path string, n *int) {
	t.Helper()
	*n++
	if v.Type() == reflect.TypeFor[time.Time]() {
		zone := time.UTC
		if *n%2 == 0 {
			zone = time.FixedZone("", 3600)
		}
		v.Set(reflect.ValueOf(time.Unix(1_700_000_000+int64(*n)*3607, int64(*n)*1001).In(zone)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(path + "/" + string(rune('a'+*n%26)))
	case reflect.Int32, reflect.Int64, reflect.Int:
		v.SetInt(int64(*n) * -7919)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), path, n)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fill(t, v.Field(i), path+"."+v.Type().Field(i).Name, n)
		}
	default:
		t.Fatalf("%s is a %s: teach codec.go (and this test) to carry it", path, v.Kind())
	}
}

// TestCodecFields: every field of a person record, at any value, comes
// back from a spill file as it went.
func TestCodecFields(t *testing.T) {
	var recs [3]care.PersonRecord
	n := 0
	for i := range recs[:2] {
		fill(t, reflect.ValueOf(&recs[i]).Elem(), "PersonRecord", &n)
	}
	recs[2].Person.ID = "only an id" // and empty lists
	whole := appendAll(t, recs[:]...)
	dec := decoder{r: bufio.NewReader(bytes.NewReader(whole))}
	for i := range recs {
		got, err := dec.decode()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, recs[i]) {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, *got, recs[i])
		}
	}

	// A record cut short, or with bytes to spare, is an error, never a
	// panic or a record made up.
	first, err := (&decoder{r: bufio.NewReader(bytes.NewReader(whole))}).decode()
	if err != nil || first == nil {
		t.Fatal(err)
	}
	size := len(whole) - len(appendAll(t, recs[1:]...))
	for cut := 1; cut < size; cut++ {
		if _, err := (&decoder{r: bufio.NewReader(bytes.NewReader(whole[:cut]))}).decode(); err == nil {
			t.Fatalf("a record cut to %d of %d bytes decoded", cut, size)
		}
	}
	body := whole[2:size] // a 2-byte length prefix, for this size
	if size-2 < 128 || size-2 >= 1<<14 {
		t.Fatalf("record of %d bytes: the test assumes a 2-byte length", size)
	}
	for _, bad := range [][]byte{
		append([]byte{byte(len(body)+1) | 0x80, byte((len(body) + 1) >> 7)}, append(body, 0)...),
		append([]byte{byte(len(body)-1) | 0x80, byte((len(body) - 1) >> 7)}, body[:len(body)-1]...),
	} {
		if _, err := (&decoder{r: bufio.NewReader(bytes.NewReader(bad))}).decode(); !errors.Is(err, errCorrupt) {
			t.Errorf("a malformed record: %v", err)
		}
	}
}

func appendAll(t *testing.T, recs ...care.PersonRecord) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	enc := &encoder{w: w}
	for i := range recs {
		if err := enc.encode(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
