package bench

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// IdleConfig is a measure of conversations left open: how much memory they hold, and what it costs to answer
// one again once the worker's cache (WORKER_CACHE_SIZE) has evicted it.
type IdleConfig struct {
	Client client.Client
	Target Target
	// N conversations are opened, one greeting each.
	N int
	// RSS reads the resident set size of the process that holds them (the worker's, or this one's).
	RSS func() int64
	// Question is asked again, one customer at a time, of the Revisit first conversations opened (evicted
	// when N exceeds the worker's cache) and of the Revisit last (still cached).
	Question Question
	Revisit  int
}

// IdleReport is what Idle found.
type IdleReport struct {
	N                      int
	OpenRate               float64
	RSSBefore, RSSAfter    int64
	EvictedP50, EvictedMax time.Duration
	CachedP50, CachedMax   time.Duration
	Revisited              int
}

// Idle opens c.N conversations, reads the RSS, then has the oldest and the newest ask a question again.
func Idle(tb testing.TB, c IdleConfig) IdleReport {
	tb.Helper()
	if c.Revisit == 0 {
		c.Revisit = 20
	}
	nonce := fmt.Sprintf("%03d", time.Now().UnixNano()/1e6%1000)
	phones := Phones("2788"+nonce, c.N)
	r := IdleReport{N: c.N, Revisited: min(c.Revisit, c.N/2)}
	settle()
	r.RSSBefore = c.RSS()
	r.OpenRate = OpenRate(tb, c.Client, c.Target, phones, "Hi")
	settle()
	r.RSSAfter = c.RSS()
	old, recent := phones[:r.Revisited], phones[len(phones)-r.Revisited:]
	// The newest first: asking the oldest first would bring them back into the cache and push others out.
	r.CachedP50, r.CachedMax = revisit(tb, c.Target, recent, c.Question)
	r.EvictedP50, r.EvictedMax = revisit(tb, c.Target, old, c.Question)
	return r
}

// revisit has each customer in turn ask q, waiting for the answer before the next asks.
func revisit(tb testing.TB, tgt Target, phones []string, q Question) (p50, most time.Duration) {
	tb.Helper()
	var took []time.Duration
	for i, p := range phones {
		at := time.Now()
		if err := post(tgt.Hook, tgt.Bases[i%len(tgt.Bases)], tgt.Hook.Body(tgt.Hook.Text(p, q.Text))); err != nil {
			tb.Fatalf("%s: revisit %s: %v", tgt.Name, p, err)
		}
		deadline := time.Now().Add(time.Minute)
		for {
			if m, ok := answerTo(tgt.Graph.Messages(p), q.Answer); ok {
				took = append(took, m.At.Sub(at))
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("%s: no answer to %s's %q on revisit", tgt.Name, p, q.Text)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	return percentile(took, 0.5), percentile(took, 1)
}

// settle lets the process return what it can before its RSS is read.
func settle() {
	runtime.GC()
	debug.FreeOSMemory()
	time.Sleep(2 * time.Second)
}

// Lines describes the report.
func (r IdleReport) Lines(where string) []string {
	return []string{
		fmt.Sprintf("idle conversations: %d opened at %.1f /s; %s RSS went from %d MiB to %d MiB, %.0f KiB per open conversation",
			r.N, r.OpenRate, where, r.RSSBefore>>20, r.RSSAfter>>20, float64(r.RSSAfter-r.RSSBefore)/1024/float64(r.N)),
		fmt.Sprintf("asked again, one at a time: the %d newest (in the worker's cache) answered in p50 %s (max %s), the %d oldest (evicted when %d exceeds WORKER_CACHE_SIZE: replayed from history) in p50 %s (max %s)",
			r.Revisited, ms(r.CachedP50), ms(r.CachedMax), r.Revisited, r.N, ms(r.EvictedP50), ms(r.EvictedMax)),
	}
}

// SelfRSS reads this process's resident set size.
func SelfRSS() int64 { return PidRSS(os.Getpid()) }

// PidRSS reads a process's resident set size from /proc; 0 when it cannot.
func PidRSS(pid int) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
