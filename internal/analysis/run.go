package analysis

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/careweb/careweb/internal/care"
)

// Run computes every person's Result in s under opt and calls emit once per
// person, in the order s.EachPerson streams them (id order), from one
// goroutine. It reads the store in the calling goroutine and computes on
// workers goroutines (0 or less: GOMAXPROCS), each with its own Computer;
// records are copied, since a streamed record is only valid during its
// callback. The *Result passed to emit is only valid during the call.
//
// It stops at the first error: invalid options (Invalid, before reading
// anything), the store's, or emit's, which it returns as they are.
func Run(ctx context.Context, s care.Streamer, pop *Population, opt Options, workers int, emit func(*Result) error) error {
	if err := opt.Validate(); err != nil {
		return err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers == 1 {
		c := pop.NewComputer()
		var res Result
		return s.EachPerson(ctx, func(rec *care.PersonRecord) error {
			if err := c.person(rec, opt, &res); err != nil {
				return err
			}
			return emit(&res)
		})
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	type job struct {
		seq int
		rec care.PersonRecord
		res Result
		err error
	}
	// A fixed set of jobs circulates reader → workers → emitter → reader,
	// which bounds memory and lets results be emitted in order.
	slots := 4 * workers
	free := make(chan *job, slots)
	for range slots {
		free <- &job{}
	}
	todo := make(chan *job, slots)
	done := make(chan *job, slots)

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := pop.NewComputer()
			for j := range todo {
				j.err = c.person(&j.rec, opt, &j.res)
				done <- j
			}
		}()
	}
	emitted := make(chan struct{})
	go func() {
		defer close(emitted)
		next := 0
		pending := map[int]*job{}
		failed := false
		for j := range done {
			pending[j.seq] = j
			for {
				p, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				if !failed {
					err := p.err
					if err == nil {
						err = emit(&p.res)
					}
					if err != nil {
						failed = true
						cancel(err)
					}
				}
				free <- p
			}
		}
	}()

	seq := 0
	err := s.EachPerson(ctx, func(rec *care.PersonRecord) error {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		var j *job
		select {
		case j = <-free:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		j.seq, j.err = seq, nil
		seq++
		copyRecord(&j.rec, rec)
		todo <- j
		return nil
	})
	close(todo)
	wg.Wait()
	close(done)
	<-emitted
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause // emit's error (or a compute error) comes first
	}
	return err
}

// copyRecord makes dst a copy of src that does not share src's slices.
func copyRecord(dst, src *care.PersonRecord) {
	dst.Person = src.Person
	dst.Relationships = append(dst.Relationships[:0], src.Relationships...)
	dst.Contacts = append(dst.Contacts[:0], src.Contacts...)
	dst.Referrals = append(dst.Referrals[:0], src.Referrals...)
}
