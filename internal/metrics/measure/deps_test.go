package measure_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestMetricsArePure enforces STYLE rule 5 and the layout's dependency
// direction: the metric packages import nothing of CareWeb outside
// internal/metrics (in particular not internal/care or a store), and no
// package that does I/O.
func TestMetricsArePure(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}: {{join .Imports \" \"}}", "github.com/careweb/careweb/internal/metrics/...").CombinedOutput()
	if err != nil {
		t.Skipf("go list unavailable: %v\n%s", err, out)
	}
	forbidden := []string{"os", "io/fs", "io/ioutil", "net", "net/http", "database/sql", "log", "time"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ": ")
		if strings.HasSuffix(pkg, "/internal/metrics/internal/oracle") {
			continue // the tests' loader reads testdata
		}
		for _, imp := range strings.Fields(imports) {
			if strings.HasPrefix(imp, "github.com/careweb/careweb/") && !strings.HasPrefix(imp, "github.com/careweb/careweb/internal/metrics/") && imp != "github.com/careweb/careweb/internal/csr" {
				t.Errorf("%s imports %s: metrics must not depend on the rest of CareWeb", pkg, imp)
			}
			for _, f := range forbidden {
				if imp == f || strings.HasPrefix(imp, f+"/") {
					t.Errorf("%s imports %s: metrics are pure functions with no I/O or clock", pkg, imp)
				}
			}
		}
	}
}
