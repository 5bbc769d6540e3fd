# The few commands people use. `make demo` and `make test` are the README's two.
GO ?= go

.PHONY: demo run test test-short bench generate lint build neo4j-start neo4j-stop

## demo: serve the demo data set on the embedded store (http://127.0.0.1:8080)
demo:
	$(GO) run ./cmd/careweb demo --log-format console

## run: serve the embedded store at ./careweb-data
run:
	$(GO) run ./cmd/careweb serve --log-format console

## test: every test — unit, contract suite on both stores (starts a real Neo4j), race detector
test:
	./scripts/test.sh

## test-short: Go tests only, no Neo4j (the Neo4j suites skip loudly)
test-short:
	$(GO) test -race ./...

## bench: the committed benchmarks (see docs/performance.md)
bench:
	./scripts/bench.sh

## generate: regenerate generated code
generate:
	$(GO) generate ./...

## lint: formatting and vet
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

build:
	CGO_ENABLED=0 $(GO) build -o bin/careweb ./cmd/careweb

neo4j-start:
	@./scripts/neo4j-test-server.sh start

neo4j-stop:
	@./scripts/neo4j-test-server.sh stop
