package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/supportd/supportd/internal/metrics"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/store"
	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

const testSecret = "gateway-test-secret"

// fakeTemporal stands in for the Temporal client on the webhook path. It records every SignalWithStart and,
// like the conversation workflow, processes each message id once. refuse, when set, decides the answer to a
// signal before it is recorded.
type fakeTemporal struct {
	client.Client

	mu        sync.Mutex
	signals   []conversation.Message
	processed map[string]int
	refuse    func(workflowID string, msg conversation.Message, input workflows.Input) error
	// customers holds, by workflow id, the identifiers its conversation's search attributes carry, as the
	// workflow keeps them; ListWorkflow answers from it.
	customers map[string][]string
	// targets is the workflow id of each signal, in order.
	targets []string
}

func newFakeTemporal() *fakeTemporal {
	return &fakeTemporal{processed: map[string]int{}, customers: map[string][]string{}}
}

// ListWorkflow finds conversations by the identifiers in the query, as Temporal's visibility does by the
// search attributes CustomerPhone and CustomerUserID; a query naming none lists every conversation.
func (f *fakeTemporal) ListWorkflow(ctx context.Context, req *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	resp := &workflowservice.ListWorkflowExecutionsResponse{}
	for id, ids := range f.customers {
		match := !strings.Contains(req.GetQuery(), "(")
		for _, c := range ids {
			match = match || strings.Contains(req.GetQuery(), "'"+c+"'")
		}
		if !match {
			continue
		}
		attrs := map[string]*commonpb.Payload{}
		for _, c := range ids {
			name := workflows.CustomerPhoneKey.GetName()
			if conversation.IsUserID(c) {
				name = workflows.CustomerUserIDKey.GetName()
			}
			attrs[name], _ = converter.GetDefaultDataConverter().ToPayload(c)
		}
		resp.Executions = append(resp.Executions, &workflowpb.WorkflowExecutionInfo{
			Execution:        &commonpb.WorkflowExecution{WorkflowId: id},
			SearchAttributes: &commonpb.SearchAttributes{IndexedFields: attrs},
		})
	}
	return resp, nil
}

// SignalWorkflow records a signal to a running conversation; one never started is not found.
func (f *fakeTemporal) SignalWorkflow(ctx context.Context, workflowID, runID, signalName string, arg any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.customers[workflowID]; !ok {
		return serviceerror.NewNotFound("workflow not found")
	}
	f.signals = append(f.signals, arg.(conversation.Message))
	f.targets = append(f.targets, workflowID)
	return nil
}

// learn keeps a conversation's identifiers as the workflow does from the messages it takes in.
func (f *fakeTemporal) learn(workflowID string, ids ...string) {
	for _, id := range ids {
		if id != "" && !slices.Contains(f.customers[workflowID], id) {
			f.customers[workflowID] = append(f.customers[workflowID], id)
		}
	}
}

func (f *fakeTemporal) SignalWithStartWorkflow(ctx context.Context, workflowID, signalName string, signalArg any,
	options client.StartWorkflowOptions, workflow any, workflowArgs ...any) (client.WorkflowRun, error) {
	msg := signalArg.(conversation.Message)
	input := workflowArgs[0].(workflows.Input)
	if f.refuse != nil {
		if err := f.refuse(workflowID, msg, input); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signals = append(f.signals, msg)
	f.targets = append(f.targets, workflowID)
	f.processed[msg.ID]++
	f.learn(workflowID, input.WaID, input.UserID, msg.WaID, msg.UserID)
	return nil, nil
}

// signalled is how many signals carried id; answered is 1 once the workflow processed it (it ignores repeats).
func (f *fakeTemporal) signalled(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, m := range f.signals {
		if m.ID == id {
			n++
		}
	}
	return n
}

func (f *fakeTemporal) answered(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return min(f.processed[id], 1)
}

type gatewayFixture struct {
	t        testing.TB
	temporal *fakeTemporal
	redis    *miniredis.Miniredis
	store    *store.Store
	metrics  *metrics.Metrics
	hook     *testkit.WhatsAppWebhook
}

func newFixture(t testing.TB) *gatewayFixture {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	return &gatewayFixture{t: t, temporal: newFakeTemporal(), redis: mr, store: store.New(rdb), metrics: metrics.New(),
		hook: testkit.NewWhatsAppWebhook(testSecret)}
}

// gateway starts a gateway process on the fixture's Temporal and Redis; beforeSignal may be nil.
func (f *gatewayFixture) gateway(beforeSignal func(id string) error) *Server {
	return New(Options{Temporal: f.temporal, TaskQueue: "q", Store: f.store, Metrics: f.metrics,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), WhatsAppAppSecret: testSecret, beforeSignal: beforeSignal})
}

func (f *gatewayFixture) post(s *Server, body []byte) int {
	f.t.Helper()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, f.hook.SignedRequest("/webhooks/whatsapp", body))
	return rec.Code
}

func (f *gatewayFixture) received(result string) float64 {
	return f.metric(`supportd_webhooks_received_total{result="` + result + `",source="whatsapp"}`)
}

// metric reads one sample from the metrics endpoint, 0 when absent.
func (f *gatewayFixture) metric(sample string) float64 {
	f.t.Helper()
	rec := httptest.NewRecorder()
	f.metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, sample+" "); ok {
			var v float64
			if _, err := fmt.Sscan(rest, &v); err != nil {
				f.t.Fatalf("metric %s: %q", sample, line)
			}
			return v
		}
	}
	return 0
}

// errCrash stands for the gateway process dying: the handler goes no further.
var errCrash = errors.New("crash")

// crashingGateway is a gateway that dies between the fast-path claim and the signal of the message id.
func (f *gatewayFixture) crashingGateway(id string) *Server {
	return f.gateway(func(got string) error {
		if got == id {
			panic(errCrash) // nothing after the claim runs, as when the process is killed
		}
		return nil
	})
}

// TestCrashBetweenClaimAndSignal: a gateway dies after claiming a message in Redis and before Temporal has
// it. Meta's redelivery, to a restarted or another gateway, must reach the workflow: answered exactly once.
func TestCrashBetweenClaimAndSignal(t *testing.T) {
	for _, tc := range []struct {
		name string
		// after runs between the crash and the redelivery.
		after func(f *gatewayFixture)
	}{
		{"redelivered at once, the dead gateway's claim still there", func(*gatewayFixture) {}},
		{"redelivered later, the claim expired", func(f *gatewayFixture) { f.redis.FastForward(claimTTL + time.Second) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			m := f.hook.Text("27820000001", "Where is my order?")
			body := f.hook.Body(m)

			if code := f.post(f.crashingGateway(m.ID), body); code < 500 {
				t.Fatalf("crashed delivery answered %d", code)
			}
			if v, _ := f.redis.Get("dedupe:wa:" + m.ID); v == "" || f.temporal.signalled(m.ID) != 0 {
				t.Fatalf("the crash left claim %q and %d signals; want a claim and none", v, f.temporal.signalled(m.ID))
			}
			tc.after(f)

			restarted := f.gateway(nil)
			if code := f.post(restarted, body); code != http.StatusOK {
				t.Fatalf("redelivery answered %d", code)
			}
			if n := f.temporal.answered(m.ID); n != 1 {
				t.Fatalf("message answered %d times after the redelivery", n)
			}
			// Now Temporal holds it, and further redeliveries are skipped by the fast path.
			if code := f.post(restarted, body); code != http.StatusOK {
				t.Fatalf("second redelivery answered %d", code)
			}
			if n := f.temporal.signalled(m.ID); n != 1 {
				t.Fatalf("a redelivery of a message Temporal holds was signalled again: %d signals", n)
			}
			if hits := f.metric(`supportd_dedupe_hits_total{source="whatsapp"}`); hits != 1 {
				t.Fatalf("dedupe hits %v, want 1", hits)
			}
		})
	}
}

// TestCrashAfterSignalBeforeDone: a gateway dies after Temporal accepted the signal but before Redis says so.
// The redelivery is signalled again, and the workflow, which knows the id, processes it once.
func TestCrashAfterSignalBeforeDone(t *testing.T) {
	f := newFixture(t)
	m := f.hook.Text("27820000002", "Hi")
	body := f.hook.Body(m)
	f.temporal.refuse = func(string, conversation.Message, workflows.Input) error {
		f.temporal.refuse = nil
		f.temporal.mu.Lock()
		f.temporal.signals = append(f.temporal.signals, conversation.Message{ID: m.ID})
		f.temporal.processed[m.ID]++
		f.temporal.mu.Unlock()
		panic(errCrash) // Temporal has it; the gateway never marks it done
	}
	if code := f.post(f.gateway(nil), body); code < 500 {
		t.Fatalf("crashed delivery answered %d", code)
	}
	if code := f.post(f.gateway(nil), body); code != http.StatusOK {
		t.Fatalf("redelivery answered %d", code)
	}
	if n := f.temporal.answered(m.ID); n != 1 {
		t.Fatalf("answered %d times", n)
	}
}

// TestSignalFailureReleasesClaim: Temporal is unreachable, the webhook is answered 503 and its claim
// released, so that Meta's retry is signalled without waiting for the claim to expire.
func TestSignalFailureReleasesClaim(t *testing.T) {
	f := newFixture(t)
	m := f.hook.Text("27820000003", "Hello")
	body := f.hook.Body(m)
	f.temporal.refuse = func(string, conversation.Message, workflows.Input) error {
		return serviceerror.NewUnavailable("connection refused")
	}
	gw := f.gateway(nil)
	if code := f.post(gw, body); code != http.StatusServiceUnavailable {
		t.Fatalf("webhook with Temporal down answered %d", code)
	}
	if f.redis.Exists("dedupe:wa:" + m.ID) {
		t.Fatal("the failed delivery's claim was not released")
	}
	f.temporal.refuse = nil
	if code := f.post(gw, body); code != http.StatusOK {
		t.Fatalf("retry answered %d", code)
	}
	if n := f.temporal.answered(m.ID); n != 1 {
		t.Fatalf("answered %d times", n)
	}
}

// TestConcurrentDuplicatesProcessedOnce: the same webhook delivered three times at once, to gateways that
// share Redis, reaches the workflow, which processes it once.
func TestConcurrentDuplicatesProcessedOnce(t *testing.T) {
	f := newFixture(t)
	m := f.hook.Text("27820000004", "How much is delivery?")
	body := f.hook.Body(m)
	var wg sync.WaitGroup
	codes := make([]int, 3)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = f.post(f.gateway(nil), body)
		}()
	}
	wg.Wait()
	for _, c := range codes {
		if c != http.StatusOK {
			t.Fatalf("codes %v", codes)
		}
	}
	if n := f.temporal.answered(m.ID); n != 1 {
		t.Fatalf("answered %d times", n)
	}
}

// TestRedisDownRelyOnWorkflow: without Redis every delivery is signalled; the workflow deduplicates.
func TestRedisDownRelyOnWorkflow(t *testing.T) {
	f := newFixture(t)
	m := f.hook.Text("27820000005", "Hello")
	f.redis.Close()
	gw := f.gateway(nil)
	for range 2 {
		if code := f.post(gw, f.hook.Body(m)); code != http.StatusOK {
			t.Fatalf("webhook with Redis down answered %d", code)
		}
	}
	if n, a := f.temporal.signalled(m.ID), f.temporal.answered(m.ID); n != 2 || a != 1 {
		t.Fatalf("signalled %d times, answered %d; want 2 and 1", n, a)
	}
}

// rawMessage is a messages[] item with the sender and id exactly as given (JSON-escaped by the caller).
func rawMessage(from, id string) string {
	return `{"from":"` + from + `","id":"` + id + `","timestamp":"1739321024","type":"text","text":{"body":"hi"}}`
}

func rawBody(messages ...string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{` +
		`"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},` +
		`"messages":[` + strings.Join(messages, ",") + `]}}]}]}`)
}

// TestImpossibleSendersAcknowledged: messages whose sender or id can never be a WhatsApp identifier are
// acknowledged, counted and never handed to Temporal; the other messages of the same webhook are processed.
func TestImpossibleSendersAcknowledged(t *testing.T) {
	f := newFixture(t)
	gw := f.gateway(nil)
	body := rawBody(
		rawMessage("27820000006", "wamid.good1"),
		rawMessage(`2782\u00000006`, "wamid.nul"),
		rawMessage("2782\xff\xfe0006", "wamid.utf8"),
		rawMessage(strings.Repeat("7", 2000), "wamid.long"),
		rawMessage(strings.Repeat("7", 1<<20), "wamid.mb"),
		rawMessage("", "wamid.nosender"),
		rawMessage("27820000006", strings.Repeat("A", 1<<20)),
		rawMessage("27820000006", `wamid.\u0000`),
		rawMessage("27820000006", ""),
		`{"from_user_id":"ZA.13491208655302741918","id":"wamid.bsuid","timestamp":"1739321024","type":"text","text":{"body":"hi"}}`,
		rawMessage("27820000006", "wamid.good2"),
	)
	if code := f.post(gw, body); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	for _, id := range []string{"wamid.good1", "wamid.bsuid", "wamid.good2"} {
		if f.temporal.answered(id) != 1 {
			t.Errorf("valid message %s not delivered", id)
		}
	}
	f.temporal.mu.Lock()
	delivered := len(f.temporal.signals)
	f.temporal.mu.Unlock()
	if delivered != 3 {
		t.Errorf("%d messages handed to Temporal, want the 3 valid ones", delivered)
	}
	if got := f.received("invalid_sender"); got != 5 {
		t.Errorf("invalid_sender counted %v times, want 5", got)
	}
	if got := f.received("invalid_message_id"); got != 3 {
		t.Errorf("invalid_message_id counted %v times, want 3", got)
	}
	if got := f.received("ok"); got != 1 {
		t.Errorf("ok counted %v times, want 1", got)
	}
}

// TestOversizedMessageAcknowledged: a text too large for a Temporal payload is refused by Temporal for good,
// and acknowledged.
func TestOversizedMessageAcknowledged(t *testing.T) {
	f := newFixture(t)
	f.temporal.refuse = temporalRefusals
	big := f.hook.Text("27820000010", strings.Repeat("x", 3<<20))
	next := f.hook.Text("27820000010", "and a normal one")
	if code := f.post(f.gateway(nil), f.hook.Body(big, next)); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	if f.temporal.answered(big.ID) != 0 || f.temporal.answered(next.ID) != 1 || f.received("rejected") != 1 {
		t.Fatalf("big delivered %d, next %d, rejected %v", f.temporal.answered(big.ID), f.temporal.answered(next.ID), f.received("rejected"))
	}
}

// TestTemporalErrorsClassified: Temporal's refusal of a message for good is acknowledged (and the rest of the
// webhook processed); only what a retry can fix answers 5xx.
func TestTemporalErrorsClassified(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		permanent bool
	}{
		{"invalid argument", serviceerror.NewInvalidArgument("WorkflowId exceeds maximum allowed length"), true},
		{"blob too large", serviceerror.NewInvalidArgument("Blob data size exceeds limit."), true},
		{"message over gRPC's limit", status.Error(codes.ResourceExhausted, "grpc: received message larger than max (5242880 vs. 4194304)"), true},
		{"too large to send", status.Error(codes.ResourceExhausted, "grpc: trying to send message larger than max (5242880 vs. 4194304)"), true},
		{"wrapped invalid argument", fmt.Errorf("signal: %w", serviceerror.NewInvalidArgument("bad")), true},
		{"unavailable", serviceerror.NewUnavailable("connection refused"), false},
		{"deadline exceeded", serviceerror.NewDeadlineExceeded("context deadline exceeded"), false},
		{"rate limited", serviceerror.NewResourceExhausted(0, "namespace rate limit exceeded"), false},
		{"search attribute not registered", serviceerror.NewInvalidArgument("search attribute CustomerPhone is not defined"), false},
		{"namespace missing", serviceerror.NewNamespaceNotFound("default"), false},
		{"internal", serviceerror.NewInternal("persistence failure"), false},
		{"context deadline", context.DeadlineExceeded, false},
		{"plain error", errors.New("something"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			refused := f.hook.Text("27820000007", "first")
			next := f.hook.Text("27820000008", "second")
			f.temporal.refuse = func(_ string, m conversation.Message, _ workflows.Input) error {
				if m.ID == refused.ID {
					return tc.err
				}
				return nil
			}
			code := f.post(f.gateway(nil), f.hook.Body(refused, next))
			if tc.permanent {
				if code != http.StatusOK || f.temporal.answered(next.ID) != 1 || f.received("rejected") != 1 {
					t.Fatalf("answered %d, next message delivered %d, rejected %v; want 200, 1, 1", code, f.temporal.answered(next.ID), f.received("rejected"))
				}
				return
			}
			if code < 500 || f.received("temporal_error") != 1 {
				t.Fatalf("answered %d (temporal_error %v); want 5xx so that Meta retries", code, f.received("temporal_error"))
			}
		})
	}
}
