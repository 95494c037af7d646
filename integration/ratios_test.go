package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/supportd/supportd/devserver"
	"github.com/supportd/supportd/internal/app"
	"github.com/supportd/supportd/internal/bench"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/workflows"
)

// BenchmarkRatios runs supportd (gateway and worker in this process) and the bare Temporal baseline of
// internal/bench on the same embedded Temporal server, one after the other, and prints the table of ratios
// and targets. The server is the one `supportd dev` runs: SQLite in a file, in WAL mode. It runs once
// whatever b.N. The same comparison on PostgreSQL with the production build is topology.BenchmarkRatios.
//
//	go test -run '^$' -bench Ratios -benchtime 1x ./integration/
func BenchmarkRatios(b *testing.B) {
	const modelLatency = 200 * time.Millisecond
	srv, err := devserver.Start(devserver.Options{SearchAttributes: app.SearchAttributes,
		DatabaseFile: filepath.Join(b.TempDir(), "data", "temporal.db")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Stop)
	// supportd at its default log level, as deployed (the other integration tests log at debug).
	onServer, info := withEnv("TEMPORAL_ADDRESS", srv.Address()), withEnv("LOG_LEVEL", "info")
	product := newStack(b, onServer, info)
	llm := newStack(b, withOpenAI(), onServer, info)
	respond := testkit.KeywordResponder(llm.kb)
	llm.openai.Handle(func(r testkit.ChatRequest) testkit.ChatReply {
		reply := respond(r)
		reply.Delay = modelLatency
		return reply
	})
	bareGraph := testkit.NewGraph(b)
	bare, err := bench.StartBare(bench.BareOptions{
		Client: product.temporal(), TaskQueue: fmt.Sprintf("bare-%d", time.Now().UnixNano()), AppSecret: appSecret,
		GraphURL: bareGraph.URL(), PhoneNumberID: bareGraph.PhoneNumberID(), AccessToken: bareGraph.AccessToken(),
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(bare.Stop)
	// Both sides get WhatsApp's status webhooks (sent, then delivered) for every message they send, as from
	// Meta: supportd records them, the bare handler verifies, parses and acknowledges them.
	bareGraph.DeliverStatuses(graphStatuses(bare.Base()))
	target := func(name, base string, g *testkit.Graph, id func(string) string) bench.Target {
		hook := testkit.NewWhatsAppWebhook(appSecret)
		hook.PhoneNumberID = g.PhoneNumberID()
		return bench.Target{Name: name, Bases: []string{base}, Graph: g, Hook: hook, WorkflowID: id}
	}
	llmTarget := target("supportd with a model", llm.base, llm.graph, workflows.WorkflowID)
	llmTarget.ModelCalls = func() int { return len(llm.openai.Requests()) }
	b.ResetTimer()
	r := bench.Compare(b, bench.Config{
		Title:     "embedded Temporal server (SQLite file in WAL mode, as supportd dev), supportd's gateway and worker in the benchmark process",
		Client:    product.temporal(),
		Product:   target("supportd", product.base, product.graph, workflows.WorkflowID),
		Bare:      target("bare", bare.Base(), bareGraph, func(p string) string { return bench.BarePrefix + p }),
		LLM:       &llmTarget,
		Customers: 20, Questions: 10, LLMQuestions: 5, OpenN: 200, LLMLatency: modelLatency,
		Notes: []string{"bare: signed webhook → minimal handler (signature, parse, SignalWithStart) → workflow: signal → local activity (knowledge-base answer) → send activity → fake Graph API",
			"not measured here: RSS per idle conversation and the answer to an evicted one (BenchmarkIdle here; topology.BenchmarkRatios with SUPPORTD_BENCH_IDLE=N on a worker process)"},
	})
	b.StopTimer()
	r.Print(os.Stdout)
	b.ReportMetric(float64(r.Product.P50)/float64(r.Bare.P50), "p50-ratio")
	b.ReportMetric(r.Product.Throughput/r.Bare.Throughput, "throughput-ratio")
}
