package testkit

import (
	"sync"
	"time"
)

// recorder guards a fake's recorded state and lets tests wait for it to change.
type recorder struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever something is recorded
}

// notify wakes the waiters; the caller holds mu.
func (r *recorder) notify() {
	if r.changed != nil {
		close(r.changed)
	}
	r.changed = make(chan struct{})
}

// wait calls done under the lock until it reports true or timeout passes; done runs once more at the timeout,
// so that its results are the latest.
func (r *recorder) wait(timeout time.Duration, done func() bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		if r.changed == nil {
			r.changed = make(chan struct{})
		}
		ok, changed := done(), r.changed
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			r.mu.Lock()
			done()
			r.mu.Unlock()
			return
		}
	}
}
