package graph

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/careweb/careweb/internal/care"
)

// DefaultLoaderWait is how long a loader collects keys before one store
// call. gqlgen resolves sibling fields in parallel goroutines, so a
// millisecond gathers a whole list while keeping latency low (the
// library's 16 ms default would dominate a web query). On a saturated
// machine a list can straddle two windows and cost two calls instead of
// one; that is slower, never wrong.
const DefaultLoaderWait = time.Millisecond

// Reader is what the loaders need from the store.
type Reader interface {
	care.Reader
	care.BatchReader
}

// Loaders batch and cache the reads of one request, so a nested list of N
// items costs one store call per level, not N. They are created per
// request (LoaderMiddleware) and never shared between requests: the cache
// must not outlive the caller's authorisation.
type Loaders struct {
	nodes     *dataloader.Loader[string, care.Node]
	rels      *dataloader.Loader[relKey, []care.Relationship]
	contacts  *dataloader.Loader[eventKey, care.ContactPage]
	referrals *dataloader.Loader[eventKey, care.ReferralPage]
}

type relKey struct {
	node   string
	types  string // comma-joined, sorted
	window care.Window
}

type eventKey struct {
	person string
	window care.Window
	page   care.Page
}

// NewLoaders returns a fresh set of loaders over r that gather keys for
// wait (DefaultLoaderWait if zero) before each store call.
func NewLoaders(r Reader, wait time.Duration) *Loaders {
	if wait <= 0 {
		wait = DefaultLoaderWait
	}
	return &Loaders{
		nodes: dataloader.NewBatchedLoader(func(ctx context.Context, ids []string) []*dataloader.Result[care.Node] {
			nodes, err := r.Nodes(ctx, ids)
			out := make([]*dataloader.Result[care.Node], len(ids))
			byID := make(map[string]care.Node, len(nodes))
			for _, n := range nodes {
				byID[n.ID] = n
			}
			for i, id := range ids {
				switch n, ok := byID[id]; {
				case err != nil:
					out[i] = &dataloader.Result[care.Node]{Error: err}
				case !ok:
					out[i] = &dataloader.Result[care.Node]{Error: care.Errorf(care.NotFound, "no node %q", id)}
				default:
					out[i] = &dataloader.Result[care.Node]{Data: n}
				}
			}
			return out
		}, dataloader.WithWait[string, care.Node](wait)),
		rels: dataloader.NewBatchedLoader(func(ctx context.Context, keys []relKey) []*dataloader.Result[[]care.Relationship] {
			out := make([]*dataloader.Result[[]care.Relationship], len(keys))
			groupBy(keys, func(k relKey) relKey { return relKey{types: k.types, window: k.window} }, func(g relKey, idx []int) {
				ids := make([]string, len(idx))
				for j, i := range idx {
					ids[j] = keys[i].node
				}
				res, err := r.RelationshipsOf(ctx, ids, splitTypes(g.types), g.window)
				for j, i := range idx {
					if err != nil {
						out[i] = &dataloader.Result[[]care.Relationship]{Error: err}
					} else {
						out[i] = &dataloader.Result[[]care.Relationship]{Data: res[j]}
					}
				}
			})
			return out
		}, dataloader.WithWait[relKey, []care.Relationship](wait)),
		contacts: dataloader.NewBatchedLoader(func(ctx context.Context, keys []eventKey) []*dataloader.Result[care.ContactPage] {
			out := make([]*dataloader.Result[care.ContactPage], len(keys))
			groupBy(keys, func(k eventKey) eventKey { return eventKey{window: k.window, page: k.page} }, func(g eventKey, idx []int) {
				ids := make([]string, len(idx))
				for j, i := range idx {
					ids[j] = keys[i].person
				}
				res, err := r.ContactsOf(ctx, ids, g.window, g.page)
				for j, i := range idx {
					if err != nil {
						out[i] = &dataloader.Result[care.ContactPage]{Error: err}
					} else {
						out[i] = &dataloader.Result[care.ContactPage]{Data: res[j]}
					}
				}
			})
			return out
		}, dataloader.WithWait[eventKey, care.ContactPage](wait)),
		referrals: dataloader.NewBatchedLoader(func(ctx context.Context, keys []eventKey) []*dataloader.Result[care.ReferralPage] {
			out := make([]*dataloader.Result[care.ReferralPage], len(keys))
			groupBy(keys, func(k eventKey) eventKey { return eventKey{window: k.window, page: k.page} }, func(g eventKey, idx []int) {
				ids := make([]string, len(idx))
				for j, i := range idx {
					ids[j] = keys[i].person
				}
				res, err := r.ReferralsOf(ctx, ids, g.window, g.page)
				for j, i := range idx {
					if err != nil {
						out[i] = &dataloader.Result[care.ReferralPage]{Error: err}
					} else {
						out[i] = &dataloader.Result[care.ReferralPage]{Data: res[j]}
					}
				}
			})
			return out
		}, dataloader.WithWait[eventKey, care.ReferralPage](wait)),
	}
}

// groupBy calls fn once per distinct group of keys, with the keys' indices
// in their original order. Loaders use it to make one store call per
// distinct set of arguments (window, page, types).
func groupBy[K any, G comparable](keys []K, group func(K) G, fn func(G, []int)) {
	var order []G
	idx := map[G][]int{}
	for i, k := range keys {
		g := group(k)
		if _, ok := idx[g]; !ok {
			order = append(order, g)
		}
		idx[g] = append(idx[g], i)
	}
	for _, g := range order {
		fn(g, idx[g])
	}
}

func joinTypes(ts []care.RelType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ",")
}

func splitTypes(s string) []care.RelType {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]care.RelType, len(parts))
	for i, p := range parts {
		out[i] = care.RelType(p)
	}
	return out
}

type loadersKey struct{}

// LoaderMiddleware gives every request its own loaders (wait as in
// NewLoaders).
func LoaderMiddleware(r Reader, wait time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := context.WithValue(req.Context(), loadersKey{}, NewLoaders(r, wait))
		next.ServeHTTP(w, req.WithContext(ctx))
	})
}

// WithLoaders attaches fresh loaders to ctx (for in-process use and tests).
func WithLoaders(ctx context.Context, r Reader) context.Context {
	return context.WithValue(ctx, loadersKey{}, NewLoaders(r, 0))
}

func loadersFrom(ctx context.Context) *Loaders {
	l, _ := ctx.Value(loadersKey{}).(*Loaders)
	return l
}
