package topology

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/supportd/supportd/internal/bench"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/kb"
)

// BenchmarkRatios is integration.BenchmarkRatios on the production topology: the Temporal server on
// PostgreSQL, two `supportd worker` and two `supportd gateway` processes of the production build (messages
// spread over both gateways), and the bare baseline deployed the same way on the same server (two worker and two
// handler processes, messages spread over both handlers). With a model, one
// worker and one gateway of their own on another task queue talk to a fake OpenAI-compatible server whose
// every answer takes 200 ms. It runs once whatever b.N. With SUPPORTD_BENCH_IDLE=N it then stops worker-2, opens N
// more conversations (one greeting each), reports how much worker-1's RSS grew per conversation, and how long
// an answer takes to a conversation worker-1 still holds and to one it evicted (WORKER_CACHE_SIZE, passed on
// to the workers; empty, the default).
//
//	go test -run '^$' -bench Ratios -benchtime 1x ./topology/
//	SUPPORTD_BENCH_IDLE=10000 go test -run '^$' -bench Ratios -benchtime 1x -timeout 60m ./topology/
func BenchmarkRatios(b *testing.B) {
	const modelLatency = 200 * time.Millisecond
	c := startCluster(b)
	openai := testkit.NewOpenAI(b, kb.Default())
	respond := testkit.KeywordResponder(kb.Default())
	openai.Handle(func(r testkit.ChatRequest) testkit.ChatReply {
		reply := respond(r)
		reply.Delay = modelLatency
		return reply
	})
	llmGraph := testkit.NewGraph(b)
	llmEnv := []string{"TEMPORAL_TASK_QUEUE=support-conversations-llm", "OPENAI_API_KEY=" + openai.APIKey, "OPENAI_BASE_URL=" + openai.URL,
		"OPENAI_MODEL=test-model", "WHATSAPP_API_URL=" + llmGraph.URL()}
	procs := []*process{c.startWorker("worker-1"), c.startWorker("worker-2"), c.startGateway("gateway-1"), c.startGateway("gateway-2"),
		c.startWorker("worker-llm", llmEnv...), c.startGateway("gateway-llm", llmEnv...)}
	for _, p := range procs {
		p.waitReady()
	}
	// The bare baseline is deployed like supportd: two worker and two handler processes (of this test
	// binary), on a task queue of their own.
	bareGraph := testkit.NewGraph(b)
	bareEnv := []string{"TEMPORAL_TASK_QUEUE=bare", "WHATSAPP_API_URL=" + bareGraph.URL(),
		"WHATSAPP_PHONE_NUMBER_ID=" + bareGraph.PhoneNumberID(), "WHATSAPP_ACCESS_TOKEN=" + bareGraph.AccessToken()}
	bare := []*process{c.startBare("bare-worker-1", bench.BareWorker, bareEnv...), c.startBare("bare-worker-2", bench.BareWorker, bareEnv...),
		c.startBare("bare-handler-1", bench.BareHandler, bareEnv...), c.startBare("bare-handler-2", bench.BareHandler, bareEnv...)}
	for _, p := range bare {
		p.waitReady()
	}
	// Both sides get WhatsApp's status webhooks (sent, then delivered) for every message they send, as from
	// Meta (to one gateway, as through a load balancer): supportd records them, the bare handler verifies,
	// parses and acknowledges them.
	for _, s := range []struct {
		g   *testkit.Graph
		url string
	}{{c.graph, procs[2].url}, {llmGraph, procs[5].url}, {bareGraph, bare[2].url}} {
		s.g.DeliverStatuses(testkit.GraphStatuses{URL: s.url + "/webhooks/whatsapp", AppSecret: appSecret, Statuses: []string{"sent", "delivered"}})
	}
	target := func(name string, g *testkit.Graph, id func(string) string, bases ...string) bench.Target {
		hook := testkit.NewWhatsAppWebhook(appSecret)
		hook.PhoneNumberID = g.PhoneNumberID()
		return bench.Target{Name: name, Bases: bases, Graph: g, Hook: hook, WorkflowID: id}
	}
	conversationID := func(p string) string { return "conversation-" + p }
	llm := target("supportd with a model", llmGraph, conversationID, procs[5].url)
	llm.ModelCalls = func() int { return len(openai.Requests()) }
	b.ResetTimer()
	r := bench.Compare(b, bench.Config{
		Title:     "Temporal server on PostgreSQL (4 history shards), 2 workers and 2 gateways of the production build",
		Client:    c.client,
		Product:   target("supportd", c.graph, conversationID, procs[2].url, procs[3].url),
		Bare:      target("bare", bareGraph, func(p string) string { return bench.BarePrefix + p }, bare[2].url, bare[3].url),
		LLM:       &llm,
		Customers: 20, Questions: 10, LLMQuestions: 5, OpenN: 200, LLMLatency: modelLatency,
		Notes: []string{"bare: signed webhook → minimal handler (signature, parse, SignalWithStart) → workflow: signal → local activity (knowledge-base answer) → send activity → fake Graph API; two handler and two worker processes, like supportd's gateways and workers"},
	})
	if n, _ := strconv.Atoi(os.Getenv("SUPPORTD_BENCH_IDLE")); n > 0 {
		r.Notes = append(r.Notes, idleRSS(b, c, n, procs[0], procs[1], target("supportd", c.graph, conversationID, procs[2].url, procs[3].url))...)
	} else {
		r.Notes = append(r.Notes, "not measured: RSS of workers holding many idle conversations (SUPPORTD_BENCH_IDLE=10000 measures it; opening 10,000 takes about 15 minutes here)")
	}
	b.StopTimer()
	r.Print(os.Stdout)
	b.ReportMetric(float64(r.Product.P50)/float64(r.Bare.P50), "p50-ratio")
	b.ReportMetric(r.Product.Throughput/r.Bare.Throughput, "throughput-ratio")
}

// idleRSS stops worker-2 so that worker-1 runs every new conversation, opens n conversations with one
// greeting each, reports worker-1's RSS before and after, and has the oldest and the newest ask a question
// again (the oldest are out of worker-1's cache when n exceeds WORKER_CACHE_SIZE).
func idleRSS(b *testing.B, c *cluster, n int, w1, w2 *process, tgt bench.Target) []string {
	b.Helper()
	w2.stop()
	q := bench.Questions(kb.Default(), 1)[0]
	r := bench.Idle(b, bench.IdleConfig{Client: c.client, Target: tgt, N: n, Question: q, RSS: func() int64 { return rss(b, w1) }})
	return r.Lines("worker-1's")
}

// rss reads a process's resident set size from /proc.
func rss(b *testing.B, p *process) int64 {
	b.Helper()
	n := bench.PidRSS(p.cmd.Process.Pid)
	if n == 0 {
		b.Fatalf("no VmRSS for %s", p.name)
	}
	return n
}
