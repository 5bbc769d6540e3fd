#!/usr/bin/env bash
# Runs the committed benchmarks behind docs/performance.md. Slow parts are
# opt-in: BENCH_NEO4J=1 adds the Neo4j rows (starts the test server),
# BENCH_PEERS=1 times betweenness against igraph and NetworkX (~4 min),
# CAREWEB_BENCH_CONTACTS sizes the embedded store benchmark (default 2,000,000),
# CAREWEB_BENCH_IMPORT_PEOPLE and CAREWEB_BENCH_IMPORT_NEO4J_PEOPLE the CSV
# import benchmark (default 30,000 and 1,000 people).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
out=test-artifacts/bench-$(date -u +%Y%m%dT%H%M%SZ).txt
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(go version)" | tee "$out"

if [ "${BENCH_NEO4J:-}" = "1" ] && [ -z "${NEO4J_URI:-}" ]; then
  eval "$(./scripts/neo4j-test-server.sh start)"
  export NEO4J_URI NEO4J_USER NEO4J_PASSWORD
  trap './scripts/neo4j-test-server.sh stop >/dev/null 2>&1 || true' EXIT
fi
if [ -z "${NEO4J_URI:-}" ]; then
  echo "(Neo4j rows skipped: set BENCH_NEO4J=1)" | tee -a "$out"
fi

CAREWEB_BENCH_CONTACTS=${CAREWEB_BENCH_CONTACTS:-2000000} \
  go test -run '^$' -bench . -benchtime 3x ./internal/store/embedded/ | tee -a "$out"
[ -n "${NEO4J_URI:-}" ] && go test -run '^$' -bench ApplyContacts ./internal/store/neo4j/ | tee -a "$out"
go test -run '^$' -bench 'API' -benchtime 5000x ./cmd/careweb | tee -a "$out"
go test -run '^$' -bench MetricsBatch -benchtime 30x ./cmd/careweb | tee -a "$out"
go test -run '^$' -bench '^BenchmarkImport$' -benchtime 1x -timeout 60m ./cmd/careweb | tee -a "$out"
go test -run '^$' -bench . -benchtime 1x ./internal/metrics/network/ | tee -a "$out"
if [ "${BENCH_PEERS:-}" = "1" ]; then
  ./scripts/crosscheck/ensure-deps.sh
  CAREWEB_BENCH_PEERS=1 CAREWEB_BENCH_OUT="$PWD/testdata/network/betweenness-bench.json" \
    go test -count=1 -run TestBetweennessVsPeers -v -timeout 30m ./internal/metrics/network/ | tee -a "$out"
fi
echo "figures written to $out"
