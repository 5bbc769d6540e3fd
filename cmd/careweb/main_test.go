package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
)

func envOf(m map[string]string) env { return func(k string) string { return m[k] } }

func TestEverySubcommandAnswersHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), []string{c.name, "--help"}, envOf(nil), nil, &out, &errb)
			if !errors.Is(err, flag.ErrHelp) || exitCode(err, io.Discard) != 0 {
				t.Fatalf("--help: %v", err)
			}
			if !strings.Contains(errb.String(), "Usage: careweb "+c.name) {
				t.Fatalf("usage not printed: %q", errb.String())
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	var out bytes.Buffer
	for _, args := range [][]string{{}, {"frobnicate"}, {"serve", "--no-such-flag"}, {"serve", "extra-arg"}, {"serve", "--log-format", "xml"}} {
		err := run(context.Background(), args, envOf(nil), nil, &out, &out)
		if got := exitCode(err, io.Discard); got != 2 {
			t.Errorf("%v: exit %d (%v), want 2", args, got, err)
		}
	}
	if err := run(context.Background(), []string{"serve"}, envOf(map[string]string{"CAREWEB_SHUTDOWN_TIMEOUT": "soon"}), nil, &out, &out); exitCode(err, io.Discard) != 2 {
		t.Errorf("bad duration in the environment: %v", err)
	}
}

// startRun runs the program in process until the test ends and returns
// the base URL it listens on.
func startRun(t *testing.T, args []string, getenv env) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, getenv, nil, pw, io.Discard)
		pw.Close()
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run after shutdown: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("no graceful shutdown within 30 s")
		}
	})
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "careweb listening on "); ok {
			go func() { _, _ = io.Copy(io.Discard, pr) }()
			return u
		}
	}
	t.Fatalf("the program ended before listening: %v", <-done)
	return ""
}

func TestDemoServesReadyGraphQLAndMetrics(t *testing.T) {
	data := t.TempDir()
	base := startRun(t, []string{"demo", "--addr", "127.0.0.1:0", "--people", "150", "--data", data}, envOf(nil))
	admin := authed(tokenFor(t, data, care.AccessAdmin, "admin"))

	resp, err := http.Get(base + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz: %v %v", resp, err)
	}
	resp.Body.Close()

	body := strings.NewReader(`{"query":"{ people(first: 1) { totalCount } }"}`)
	resp, err = admin.Post(base+"/graphql", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Data struct{ People struct{ TotalCount int } }
	}
	_ = json.NewDecoder(resp.Body).Decode(&d)
	resp.Body.Close()
	if d.Data.People.TotalCount < 150 {
		t.Fatalf("demo has %d people, want at least 150", d.Data.People.TotalCount)
	}

	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, series := range []string{"careweb_http_requests_total", "careweb_store_operations_total", `backend="embedded"`} {
		if !bytes.Contains(m, []byte(series)) {
			t.Errorf("/metrics lacks %s", series)
		}
	}
	if resp, err := http.Get(base + "/graphiql"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/graphiql: %v %v", resp, err)
	}
	if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %v %v", resp, err)
	}
}

func TestServeKeepsDataAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	getenv := envOf(map[string]string{"CAREWEB_DATA": dir})
	post := func(base, q string) string {
		resp, err := authed(tokenFor(t, dir, care.AccessAdmin, "admin")).Post(base+"/graphql", "application/json", strings.NewReader(q))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	t.Run("write", func(t *testing.T) {
		base := startRun(t, []string{"serve", "--addr", "127.0.0.1:0"}, getenv)
		if out := post(base, `{"query":"mutation { createPerson(input: {id: \"p-x\", name: \"X\"}) { id } }"}`); !strings.Contains(out, `"p-x"`) {
			t.Fatalf("create: %s", out)
		}
	})
	t.Run("read after restart", func(t *testing.T) {
		base := startRun(t, []string{"serve", "--addr", "127.0.0.1:0"}, getenv)
		if out := post(base, `{"query":"{ person(id: \"p-x\") { id } }"}`); !strings.Contains(out, `"p-x"`) {
			t.Fatalf("read back: %s", out)
		}
	})
}
