package web

import (
	"testing"
	"time"
)

// TestBrowserConsolePollsWhenTheStreamIsBlocked: a proxy in front of the gateway refuses the event stream.
// The console says it updates every 30 s, reads the list at that pace (not faster), shows a change made
// meanwhile without a reload, and goes live again once the stream passes.
func TestBrowserConsolePollsWhenTheStreamIsBlocked(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	t.Parallel()
	fake := newFakeBackend("fallback-test-token")
	fake.seedDemo()
	fake.blockEvents = true
	a := signedInConsole(t, fake, "console-blocked", 45*time.Second)
	t0 := time.Now()
	a.WaitFunc(`() => document.getElementById("live").dataset.state === "polling"`, "the console to fall back to polling")
	a.WaitText("#live", "Updates every 30 s")
	a.Screenshot("console-stream-blocked.png")
	t.Logf("polling after %v", time.Since(t0))

	// A change made while the stream is blocked reaches the page by the slow poll.
	fake.mu.Lock()
	fake.convs["27825550101"].name = "Lerato M."
	start, before := time.Now(), fake.lists
	fake.mu.Unlock()
	a.WaitText("#conv-list", "Lerato M.")
	fake.mu.Lock()
	reads := fake.lists - before
	fake.mu.Unlock()
	if took := time.Since(start); reads > 2 || took > 40*time.Second {
		t.Errorf("the change took %v and %d list reads; want one slow poll (every 30 s)", took, reads)
	}

	// The proxy passes the stream again and the browser reports the network back: the console goes live
	// without waiting out its back-off.
	fake.mu.Lock()
	fake.blockEvents = false
	fake.mu.Unlock()
	a.Eval(`window.dispatchEvent(new Event("online")) || true`)
	t1 := time.Now()
	a.WaitFunc(`() => document.getElementById("live").dataset.state === "live"`, "the console to go live again")
	t.Logf("live again after %v; the change took %v", time.Since(t1), t1.Sub(start))
	a.AssertNoPageErrors()
}
