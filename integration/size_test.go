package integration

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"

	"github.com/supportd/supportd/devserver"
	"github.com/supportd/supportd/internal/app"
	"github.com/supportd/supportd/internal/bench"
	"github.com/supportd/supportd/workflows"
)

// BenchmarkIdle opens SUPPORTD_BENCH_IDLE conversations (default 3000, one greeting each) on the server
// `supportd dev` runs (SQLite file in WAL mode, in this process with the worker and the gateway, as in dev)
// and reports how much the process's RSS grew per conversation; then the 20 newest and the 20 oldest ask a
// question again, one at a time. With more conversations than WORKER_CACHE_SIZE (default 2000) the oldest
// are no longer in the worker's cache: their answer includes replaying the conversation from its history.
//
//	go test -run '^$' -bench Idle -benchtime 1x ./integration/
//	SUPPORTD_BENCH_IDLE=10000 WORKER_CACHE_SIZE=10000 go test -run '^$' -bench Idle -benchtime 1x -timeout 30m ./integration/
func BenchmarkIdle(b *testing.B) {
	n := 3000
	if v, err := strconv.Atoi(os.Getenv("SUPPORTD_BENCH_IDLE")); err == nil && v > 0 {
		n = v
	}
	srv, err := devserver.Start(devserver.Options{SearchAttributes: app.SearchAttributes,
		DatabaseFile: filepath.Join(b.TempDir(), "data", "temporal.db")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Stop)
	s := newStack(b, withEnv("TEMPORAL_ADDRESS", srv.Address()), withEnv("LOG_LEVEL", "info"),
		withEnv("WORKER_CACHE_SIZE", os.Getenv("WORKER_CACHE_SIZE")))
	hook := s.hook
	tgt := bench.Target{Name: "supportd", Bases: []string{s.base}, Graph: s.graph, Hook: hook, WorkflowID: workflows.WorkflowID}
	b.ResetTimer()
	r := bench.Idle(b, bench.IdleConfig{Client: s.temporal(), Target: tgt, N: n, Question: bench.Questions(s.kb, 1)[0], RSS: bench.SelfRSS})
	b.StopTimer()
	b.Logf("WORKER_CACHE_SIZE %d, TEMPORAL_DEV_HISTORY_CACHE_SIZE %d (devserver default)", s.cfg.WorkerCacheSize, devserver.DefaultHistoryCacheSize)
	for _, l := range r.Lines("this process's (embedded server, worker and gateway)") {
		b.Log(l)
	}
	b.ReportMetric(float64(r.RSSAfter-r.RSSBefore)/1024/float64(n), "KiB/conversation")
	b.ReportMetric(float64(r.EvictedP50.Microseconds())/1000, "evicted-p50-ms")
	b.ReportMetric(float64(r.CachedP50.Microseconds())/1000, "cached-p50-ms")
}

// TestHistoryStaysBounded has one customer write for a long time on a server that suggests continue-as-new
// early (every 150 events instead of Temporal's 4096), and checks that the conversation rolls over to fresh
// runs whose histories stay near that bound, carrying a bounded state, and that it goes on answering. It
// also catches a message lost at a roll-over: one signalled in the workflow task that continues as new.
func TestHistoryStaysBounded(t *testing.T) {
	t.Parallel()
	const suggestAt, messages = 150, 75
	srv, err := devserver.Start(devserver.Options{SearchAttributes: app.SearchAttributes, SuggestContinueAsNewEvents: suggestAt})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	s := newStack(t, withEnv("TEMPORAL_ADDRESS", srv.Address()), withEnv("LOG_LEVEL", "info"))
	phone := newPhone()
	texts := []string{"Hi", "thank you", "hello there", "thanks!"}
	for i := range messages {
		// Each message is taken in, also the one that arrives as a run decides to continue as new.
		s.settle(phone, s.say(phone, texts[i%len(texts)]))
	}
	if got := len(s.graph.Messages(phone)); got < messages {
		t.Fatalf("%d answers to %d messages", got, messages)
	}

	// Walk the runs back from the current one.
	tc := s.temporal()
	var runs []runSize
	runID := ""
	for {
		r := historyOf(t, tc, workflows.WorkflowID(phone), runID)
		runs = append(runs, r)
		if r.previous == "" {
			break
		}
		runID = r.previous
	}
	total := 0
	for i, r := range runs {
		total += r.events
		t.Logf("run %d from the newest: %d events, %d bytes of history, input %d bytes", i, r.events, r.bytes, r.input)
		// A run continues as new at the first idle moment after the suggestion: one message's worth later.
		if r.events > suggestAt+30 {
			t.Errorf("run %d has %d events; continue-as-new is suggested at %d", i, r.events, suggestAt)
		}
		if r.input > 64<<10 {
			t.Errorf("run %d starts from %d bytes of state", i, r.input)
		}
	}
	if len(runs) < 3 {
		t.Fatalf("%d runs for %d events: the conversation did not continue as new", len(runs), total)
	}
	t.Logf("%d messages, %d runs, %.1f events per message", messages, len(runs), float64(total)/messages)
}

type runSize struct {
	events, bytes, input int
	previous             string
}

func historyOf(t *testing.T, tc client.Client, id, runID string) runSize {
	t.Helper()
	var r runSize
	it := tc.GetWorkflowHistory(context.Background(), id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s %s: %v", id, runID, err)
		}
		r.events++
		r.bytes += proto.Size(e)
		if a := e.GetWorkflowExecutionStartedEventAttributes(); a != nil {
			r.previous = a.GetContinuedExecutionRunId()
			r.input = proto.Size(a.GetInput())
		}
	}
	return r
}
