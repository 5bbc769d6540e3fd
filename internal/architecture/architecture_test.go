package architecture

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/careweb/careweb/"

type pkg struct {
	ImportPath string
	Deps       []string
	Standard   bool
}

// listAll returns every package of the module with its transitive deps.
func listAll(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json", "github.com/careweb/careweb/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	pkgs := map[string]pkg{}
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

func rel(path string) string { return strings.TrimPrefix(path, module) }

func isStd(dep string) bool { return !strings.Contains(strings.SplitN(dep, "/", 2)[0], ".") }

func TestDependencyDirection(t *testing.T) {
	pkgs := listAll(t)
	if len(pkgs) < 3 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	for path, p := range pkgs {
		name := rel(path)
		for _, dep := range p.Deps {
			d := rel(dep)
			own := strings.HasPrefix(dep, module)
			switch {
			case name == "internal/care":
				// The domain imports only the standard library.
				if !isStd(dep) {
					t.Errorf("%s imports %s: the domain must import only the standard library", name, dep)
				}
			case name == "internal/metrics" || strings.HasPrefix(name, "internal/metrics/") || name == "internal/csr":
				// Metrics are pure maths: no domain, no stores, no I/O adapters.
				if own && !strings.HasPrefix(d, "internal/metrics/") && d != "internal/csr" {
					t.Errorf("%s imports %s: metrics must not depend on the domain or adapters", name, d)
				}
			case strings.HasPrefix(name, "internal/store/") && !strings.HasPrefix(name, "internal/store/storetest"):
				// Adapters never import each other (the contract suite is shared test code).
				for _, other := range []string{"internal/store/embedded", "internal/store/neo4j"} {
					if own && strings.HasPrefix(d, other) && !strings.HasPrefix(name, other) {
						t.Errorf("%s imports %s: adapters never import each other", name, d)
					}
				}
			}
			// The security packages sit beside the domain: they know no
			// transport and no store (the policy wraps care.Store, whatever
			// implements it).
			for _, sec := range []string{"internal/policy", "internal/audit", "internal/auth", "internal/keys", "internal/pseudonym"} {
				if name == sec && own && (strings.HasPrefix(d, "graph") || strings.HasPrefix(d, "internal/server") ||
					strings.HasPrefix(d, "internal/store") || strings.HasPrefix(d, "cmd/")) {
					t.Errorf("%s imports %s: security packages depend on the domain only", name, d)
				}
			}
			// Only main knows the concrete stores.
			if own && (strings.HasPrefix(d, "internal/store/embedded") || strings.HasPrefix(d, "internal/store/neo4j")) &&
				!strings.HasPrefix(name, "cmd/") && !strings.HasPrefix(name, "internal/store/") {
				t.Errorf("%s imports %s: only cmd/careweb wires concrete stores", name, d)
			}
		}
	}
}
