package main

import (
	"runtime/debug"
)

// defaultGCPercent trades memory for CPU: a GraphQL request allocates many
// small short-lived objects, and at Go's default (100) the collector took a
// third of the CPU in the API benchmark (docs/performance.md). The store's
// index is long-lived, so a higher target costs little extra memory.
const defaultGCPercent = 400

// tuneRuntime sets the garbage collector's target unless the operator set
// GOGC, which always wins.
func tuneRuntime(getenv env) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}
