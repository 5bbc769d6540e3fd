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
	q := os.Getenv("ZZ_QUERY")
	n := 5000
	mk := func() []any {
		rows := make([]any, n)
		for i := range rows {
			c := care.Contact{ID: fmt.Sprintf("zz%09d-%d", i, time.Now().UnixNano()), Person: fmt.Sprintf("p%07d", (i*7919)%5000), Professional: fmt.Sprintf("pr%05d", (i*31)%500), At: time.Now().UTC(), Mode: care.ModePhone}
			if i%2 == 0 {
				c.Organisation = fmt.Sprintf("o%04d", (i%500)%50)
			}
			rows[i] = contactRow(c)
		}
		return rows
	}
	rows := mk()
	sess := s.session(ctx, neo4jdrv.AccessModeWrite)
	defer sess.Close(ctx)
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	cpu := func() float64 {
		b, _ := os.ReadFile("/proc/" + os.Getenv("ZZ_PID") + "/stat")
		f := strings.Fields(string(b)[strings.LastIndex(string(b), ")")+2:])
		u, _ := strconv.ParseFloat(f[11], 64)
		k, _ := strconv.ParseFloat(f[12], 64)
		return (u + k) / 100
	}
	for range 4 {
		c0 := cpu()
		t0 := time.Now()
		res, err := tx.Run(ctx, q, map[string]any{"rows": mk()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := res.Consume(ctx); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("run: %v (%.0f rows/s wall, %.0f rows per neo4j cpu-s)\n", time.Since(t0), float64(n)/time.Since(t0).Seconds(), float64(n)/(cpu()-c0))
	}
	t0 := time.Now()
	res, err := tx.Run(ctx, "PROFILE "+q, map[string]any{"rows": rows})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("elapsed", time.Since(t0))
	var walk func(p neo4jdrv.ProfiledPlan, depth int)
	walk = func(p neo4jdrv.ProfiledPlan, depth int) {
		fmt.Printf("%*s%s rows=%d dbhits=%d %v\n", depth*2, "", p.Operator(), p.Records(), p.DbHits(), p.Arguments()["Details"])
		for _, c := range p.Children() {
			walk(c, depth+1)
		}
	}
	walk(sum.Profile(), 0)
}
