package neo4j

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/careweb/careweb/internal/care"
)

// Scratch: CPU cost of writing contacts (removed before hand-off).
func TestZZProfile(t *testing.T) {
	if os.Getenv("ZZ_PROFILE") == "" {
		t.Skip()
	}
	cfg := Config{URI: os.Getenv("NEO4J_URI"), User: os.Getenv("NEO4J_USER"), Password: os.Getenv("NEO4J_PASSWORD")}
	ctx := context.Background()
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cpu := func() float64 {
		b, _ := os.ReadFile("/proc/" + os.Getenv("ZZ_PID") + "/stat")
		f := strings.Fields(string(b)[strings.LastIndex(string(b), ")")+2:])
		u, _ := strconv.ParseFloat(f[11], 64)
		k, _ := strconv.ParseFloat(f[12], 64)
		return (u + k) / 100
	}
	sess := s.session(ctx, neo4jdrv.AccessModeWrite)
	defer sess.Close(ctx)
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	a := applier{ctx: ctx, tx: tx, eid: map[string]string{}}
	recs, err := a.collect("MATCH (n:Node) RETURN n.id AS id, elementId(n) AS e", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		m := r.AsMap()
		a.eid[m["id"].(string)] = m["e"].(string)
	}
	n := 5000
	for range 4 {
		rows := make([]map[string]any, n)
		for i := range rows {
			c := care.Contact{ID: fmt.Sprintf("zz%09d-%d", i, time.Now().UnixNano()), Person: fmt.Sprintf("p%07d", (i*7919)%5000), Professional: fmt.Sprintf("pr%05d", (i*31)%500), At: time.Now().UTC(), Mode: care.ModePhone}
			if i%2 == 0 {
				c.Organisation = fmt.Sprintf("o%04d", (i%500)%50)
			}
			rows[i] = a.eventRow(contactProps(c), c.Person, c.Professional, c.Organisation)
		}
		c0 := cpu()
		t0 := time.Now()
		got, err := a.writeEvents(&contactSpec, rows)
		if err != nil || got != n {
			t.Fatal(got, err)
		}
		fmt.Printf("run: %v (%.0f rows/s wall, %.0f rows per neo4j cpu-s)\n", time.Since(t0), float64(n)/time.Since(t0).Seconds(), float64(n)/(cpu()-c0))
	}
}
