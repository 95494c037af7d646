// Package integration runs supportd's real gateway and worker against an embedded Temporal server, a real
// redis-server, and local fakes of the WhatsApp Graph API, Slack and an OpenAI-compatible server.
package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/client"

	"github.com/supportd/supportd/devserver"
	"github.com/supportd/supportd/internal/app"
	"github.com/supportd/supportd/internal/cli"
	"github.com/supportd/supportd/internal/config"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// shared holds the Temporal server and redis-server every test of the package uses.
var shared struct {
	temporal *devserver.Server
	redis    *testkit.Redis
}

func TestMain(m *testing.M) {
	if os.Getenv(runCLIEnv) == "1" {
		// The test binary doubles as the supportd binary, for tests that kill and restart a process.
		cli.Main()
	}
	flag.Parse()
	if testing.Short() {
		fmt.Println("integration tests skipped in -short mode")
		os.Exit(0)
	}
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "supportd-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	srv, err := devserver.Start(devserver.Options{SearchAttributes: app.SearchAttributes,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start temporal:", err)
		return 1
	}
	defer srv.Stop()
	r, err := testkit.StartRedisServer(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "start redis:", err)
		return 1
	}
	defer r.Stop()
	shared.temporal, shared.redis = srv, r
	return m.Run()
}

const (
	appSecret  = "integration-app-secret"
	agentToken = "integration-agent-token"
)

var phoneSeq atomic.Int64

// newPhone returns a wa_id no other test uses.
func newPhone() string {
	return fmt.Sprintf("2783%07d", time.Now().UnixNano()%1e4*1000+phoneSeq.Add(1))
}

// stack is one running supportd (worker and gateway) with its fakes.
type stack struct {
	t      testing.TB
	cfg    *config.Config
	app    *app.App
	srv    *httptest.Server
	base   string // the gateway's URL
	graph  *testkit.Graph
	openai *testkit.OpenAI
	slack  *testkit.SlackAPI
	hook   *testkit.WhatsAppWebhook
	rdb    *redis.Client
	kb     *kb.KnowledgeBase
	logs   *syncBuffer
	// tc reaches the Temporal server of a stack run as a separate process (app is nil then).
	tc client.Client
}

// syncBuffer collects log lines from many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type stackOption func(env map[string]string, s *stack)

// withOpenAI classifies and answers with the fake OpenAI-compatible server.
func withOpenAI() stackOption {
	return func(env map[string]string, s *stack) {
		s.openai = testkit.NewOpenAI(s.t, s.kb)
		env["OPENAI_API_KEY"] = s.openai.APIKey
		env["OPENAI_BASE_URL"] = s.openai.URL
		env["OPENAI_MODEL"] = "test-model"
	}
}

// withSlack posts handoffs to the fake Slack.
func withSlack() stackOption {
	return func(env map[string]string, s *stack) {
		s.slack = testkit.NewSlackAPI(s.t)
		env["SLACK_BOT_TOKEN"] = s.slack.Token()
		env["SLACK_API_URL"] = s.slack.URL()
		env["SLACK_SIGNING_SECRET"] = slackSecret
		env["SLACK_CHANNEL_ID"] = slackChannel
	}
}

func withEnv(k, v string) stackOption {
	return func(env map[string]string, s *stack) { env[k] = v }
}

const (
	slackSecret  = "integration-slack-secret"
	slackChannel = "CSUPPORT"
)

func newStack(t testing.TB, opts ...stackOption) *stack {
	t.Helper()
	s := &stack{t: t, graph: testkit.NewGraph(t), kb: kb.Default()}
	queue := "tq-" + strings.NewReplacer("/", "-", " ", "-").Replace(t.Name()) + fmt.Sprint(time.Now().UnixNano())
	env := map[string]string{
		"TEMPORAL_ADDRESS":         shared.temporal.Address(),
		"TEMPORAL_TASK_QUEUE":      queue,
		"REDIS_URL":                shared.redis.URL,
		"WHATSAPP_API_URL":         s.graph.URL(),
		"WHATSAPP_ACCESS_TOKEN":    s.graph.AccessToken(),
		"WHATSAPP_PHONE_NUMBER_ID": s.graph.PhoneNumberID(),
		"WHATSAPP_APP_SECRET":      appSecret,
		"WHATSAPP_VERIFY_TOKEN":    "verify-me",
		"AGENT_API_TOKEN":          agentToken,
		"TEMPORAL_UI_URL":          "http://localhost:8233",
		"LOG_LEVEL":                "debug",
		"LOG_FORMAT":               "text",
	}
	for _, o := range opts {
		o(env, s)
	}
	cfg, err := config.Load(config.ModeDev, nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s.cfg = cfg
	ropts, err := redis.ParseURL(env["REDIS_URL"])
	if err != nil {
		t.Fatal(err)
	}
	s.rdb = redis.NewClient(ropts)
	t.Cleanup(func() { _ = s.rdb.Close() })
	// Every log line is kept for assertions; they are shown when the test fails.
	s.logs = &syncBuffer{}
	logger := app.NewLogger(cfg, s.logs) // the production logger, at debug level
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(s.logs.String())
		}
	})
	a, err := app.Start(context.Background(), app.Options{Config: cfg, Logger: logger, Redis: s.rdb, Worker: true, Gateway: true})
	if err != nil {
		t.Fatal(err)
	}
	s.app = a
	s.srv = httptest.NewServer(a.Handler)
	s.base = s.srv.URL
	t.Cleanup(func() {
		s.srv.Close()
		a.Stop()
	})
	s.hook = testkit.NewWhatsAppWebhook(appSecret)
	s.hook.PhoneNumberID = s.graph.PhoneNumberID()
	// WhatsApp reports on every message it takes, as Meta does.
	s.graph.DeliverStatuses(graphStatuses(s.base))
	return s
}

// graphStatuses has the Graph fake report sent and delivered for every message, signed, to the gateway at base.
func graphStatuses(base string) testkit.GraphStatuses {
	return testkit.GraphStatuses{URL: base + "/webhooks/whatsapp", AppSecret: appSecret, Statuses: []string{"sent", "delivered"}}
}

// post delivers a signed webhook body and returns the status.
func (s *stack) post(body []byte) int {
	s.t.Helper()
	code, _ := s.hook.Post(s.t, s.base+"/webhooks/whatsapp", body)
	return code
}

// say sends one text message from a customer and requires a 200.
func (s *stack) say(phone, text string) string {
	s.t.Helper()
	m := s.hook.Text(phone, text)
	if code := s.post(s.hook.Body(m)); code != http.StatusOK {
		s.t.Fatalf("webhook answered %d", code)
	}
	return m.ID
}

// api calls the agent API and decodes the JSON answer into out (when not nil).
func (s *stack) api(method, path string, body any, out any) int {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, s.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+agentToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			s.t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode
}

// conversation reads a conversation through the agent API.
func (s *stack) conversation(phone string) conversation.Snapshot {
	s.t.Helper()
	var c conversation.Snapshot
	if code := s.api("GET", "/api/conversations/"+phone, nil, &c); code != http.StatusOK {
		var e struct{ Error string }
		s.api("GET", "/api/conversations/"+phone, nil, &e)
		s.t.Fatalf("GET conversation: %d %s", code, e.Error)
	}
	return c
}

// waitStatus waits until the conversation has the status.
func (s *stack) waitStatus(phone string, want conversation.Status) conversation.Snapshot {
	s.t.Helper()
	var last conversation.Snapshot
	eventually(s.t, 20*time.Second, func() bool {
		var c conversation.Snapshot
		if s.api("GET", "/api/conversations/"+phone, nil, &c) != http.StatusOK {
			return false
		}
		last = c
		return c.Status == want
	}, "conversation %s to be %s", phone, want)
	return last
}

// settle waits until the customer's conversation has taken in the message id (any, when empty) and has
// nothing left in flight: whatever it was going to send has been sent.
func (s *stack) settle(phone, id string) {
	s.t.Helper()
	var p workflows.Progress
	eventually(s.t, 30*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		v, err := s.temporal().QueryWorkflow(ctx, workflows.WorkflowID(phone), "", workflows.QueryProgress, id)
		if err != nil || v.Get(&p) != nil {
			return false
		}
		return p.Accepted && p.Settled
	}, "conversation %s to settle after %q: %+v", phone, id, p)
}

// quiet checks, once the conversation has settled, that have messages were sent to phone and no more.
func (s *stack) quiet(phone string, have int) {
	s.t.Helper()
	s.settle(phone, "")
	if got := s.graph.Messages(phone); len(got) != have {
		s.t.Fatalf("expected %d messages to %s, got %d: %+v", have, phone, len(got), got)
	}
}

func (s *stack) temporal() client.Client {
	if s.tc != nil {
		return s.tc
	}
	return s.app.Temporal
}

func eventually(t testing.TB, timeout time.Duration, cond func() bool, format string, args ...any) {
	t.Helper()
	testkit.Eventually(t, timeout, fmt.Sprintf(format, args...), cond)
}

// testWriter sends logs to the test's log, shown when a test fails.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
