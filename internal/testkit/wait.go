package testkit

import (
	"testing"
	"time"
)

// pollEvery is how often Poll asks again.
const pollEvery = 50 * time.Millisecond

// Poll asks cond until it holds or timeout passes, and reports whether it held: the one place tests wait for
// the system to report progress. A caller that needs more than "timed out" on failure (the state it saw)
// checks the result itself; Eventually fails the test.
func Poll(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pollEvery)
	}
}

// Eventually fails the test unless cond holds within timeout.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !Poll(timeout, cond) {
		t.Fatalf("timed out after %v waiting for %s", timeout, what)
	}
}
