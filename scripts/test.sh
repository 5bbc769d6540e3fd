#!/usr/bin/env bash
# Runs every test CareWeb has: formatting and vet, the unit tests, and the
# store contract suite against both the embedded store and a real Neo4j,
# all under the race detector. It starts what the tests need from the
# project's own files (Neo4j Community from Maven Central through
# internal/store/neo4j/testserver), and stops it again.
#
# NEO4J_URI set: that server is used instead of starting one.
# CI=true: anything a suite needs that cannot be started is a failure,
# never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
start_ts=$(date +%s)
mkdir -p test-artifacts

say() { printf '\n==> %s\n' "$*"; }

# optional WHAT TESTS CMD...: runs CMD, which installs WHAT; if it fails,
# TESTS are skipped, loudly, except under CI=true, where that is a failure.
optional() {
  local what=$1 tests=$2
  shift 2
  "$@" && return
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: $what could not be installed and CI=true: $tests must run in CI." >&2
    exit 1
  fi
  echo "!!! $what unavailable: $tests will be SKIPPED !!!" >&2
}

# fuzz NAME PKG: a brief (10s) run of the fuzz test NAME in PKG, its output
# in test-artifacts/; a failing input is saved under PKG/testdata/fuzz/.
fuzz() {
  local name=$1 pkg=$2 log
  log=test-artifacts/fuzz-$(tr '[:upper:]' '[:lower:]' <<<"${name#Fuzz}").log
  say "fuzz: $name in $pkg (10s)"
  if go test -run '^$' -fuzz "^$name\$" -fuzztime 10s "$pkg" > "$log" 2>&1; then
    tail -n 3 "$log"
  else
    cat "$log"
    echo "FAIL: $name found a failing input (saved under ${pkg#./}/testdata/fuzz/)" >&2
    rc=1
  fi
}

say "formatting and vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './vendor/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./...

say "generated GraphQL code is current"
if git rev-parse --git-dir >/dev/null 2>&1; then
  go tool gqlgen generate
  if ! git diff --quiet -- graph/; then
    echo "FAIL: graph/ differs from what gqlgen generates from schema.graphqls; run 'make generate' and commit:" >&2
    git diff --stat -- graph/ >&2
    exit 1
  fi
fi

if [ -z "${NEO4J_URI:-}" ]; then
  say "starting Neo4j Community (in-process launcher, Maven Central artifacts)"
  set +e
  out=$(./scripts/neo4j-test-server.sh start)
  rc=$?
  set -e
  if [ $rc -eq 0 ]; then
    eval "$out"
    export NEO4J_URI NEO4J_USER NEO4J_PASSWORD
    trap './scripts/neo4j-test-server.sh stop >/dev/null 2>&1 || true' EXIT
    echo "Neo4j ready at $NEO4J_URI"
  elif [ "${CI:-}" = "true" ]; then
    echo "FAIL: Neo4j could not be started (exit $rc) and CI=true: the Neo4j suites must run in CI." >&2
    exit 1
  else
    echo "!!! Neo4j could not be started (exit $rc): the Neo4j suites will be SKIPPED. Install Java 17 and Maven, or set NEO4J_URI. !!!" >&2
  fi
else
  say "using Neo4j at $NEO4J_URI"
fi

say "cross-check dependencies (NetworkX, igraph from Debian)"
optional "python3-networkx" "the network cross-check" ./scripts/crosscheck/ensure-deps.sh

say "browser for the carer page (Debian chromium)"
# The page at / (internal/ui) is tested in a real headless Chromium by
# cmd/careweb/browser_test.go (TestCarerPageInBrowser), which runs in the
# go test below and leaves screenshots in test-artifacts/. Under CI=true a
# missing browser is a failure, never a skip.
optional "chromium" "the browser test" ./scripts/ensure-chromium.sh

say "go test -race (all packages)"
# -v so that each package's passes, skips and the suites' own lines are
# counted below; the console shows everything but the per-test RUN/PASS noise.
set +e
go test -race -count=1 -timeout 30m -v ./... > test-artifacts/go-test.log 2>&1
rc=$?
set -e
grep -vE '^\s*(=== (RUN|PAUSE|CONT|NAME)|--- PASS)' test-artifacts/go-test.log || true

say "tests per package (subtests included)"
awk '
  /^[[:space:]]*--- PASS/ { pass++ }
  /^[[:space:]]*--- FAIL/ { fail++ }
  /^[[:space:]]*--- SKIP/ { skip++ }
  /^(ok|FAIL|\?)[[:space:]]+github.com/ {
    if (pass+fail+skip > 0) printf "  %-60s %5d passed %3d failed %3d skipped\n", $2, pass, fail, skip
    tp += pass; tf += fail; ts += skip; pass = fail = skip = 0
  }
  END { printf "%d passed, %d failed, %d skipped\n", tp, tf, ts > "test-artifacts/totals.txt" }
' test-artifacts/go-test.log
grep -hE '^\s*(CONTRACT|neo4j_test|embedded_test).*(store|suite)' test-artifacts/go-test.log | sort -u || true

# --- #5 bearer tokens: a brief fuzz of the local token verifier (FuzzVerify:
# no panic, no token accepted that its key did not sign). Longer locally:
#   go test -run '^$' -fuzz '^FuzzVerify$' -fuzztime 5m ./internal/auth
fuzz FuzzVerify ./internal/auth
# The GraphQL entry point, wired as serve wires it (FuzzGraphQL: any body,
# signed in or not, gets a JSON answer with coded errors; no panic, no
# INTERNAL, no 5xx). Longer locally:
#   go test -run '^$' -fuzz '^FuzzGraphQL$' -fuzztime 5m ./cmd/careweb
fuzz FuzzGraphQL ./cmd/careweb
# --- end #5 fuzz

echo
echo "test wall time: $(( $(date +%s) - start_ts ))s"
# The closing line: the totals over every Go test and subtest.
echo "tests: $(cat test-artifacts/totals.txt)"
exit $rc
