package integration

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/supportd/supportd/devserver"
	"github.com/supportd/supportd/internal/app"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/workflows/conversation"
)

func (s *stack) get(path string) (int, string) {
	s.t.Helper()
	resp, err := http.Get(s.base + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (s *stack) readyz() int {
	code, _ := s.get("/readyz")
	return code
}

// TestReadinessFollowsRedis stops the real redis-server and starts it again: /readyz says so, and webhooks are
// still taken (Redis is a mirror and a fast path; Temporal holds the messages).
func TestReadinessFollowsRedis(t *testing.T) {
	t.Parallel()
	r := testkit.StartRedis(t)
	s := newStack(t, withEnv("REDIS_URL", r.URL))
	if code := s.readyz(); code != http.StatusOK {
		t.Fatalf("readyz with everything up: %d", code)
	}
	if code, _ := s.get("/healthz"); code != http.StatusOK {
		t.Fatalf("healthz: %d", code)
	}
	r.Stop()
	eventually(t, 10*time.Second, func() bool { return s.readyz() == http.StatusServiceUnavailable }, "readyz to fail without Redis")
	phone := newPhone()
	s.say(phone, "What are your trading hours?")
	s.graph.WaitForMessages(t, phone, 1, 30*time.Second) // answered without Redis
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, func() bool { return s.readyz() == http.StatusOK }, "readyz to recover with Redis")
}

// TestReadinessFollowsTemporal stops the Temporal server: /readyz fails and webhooks answer 5xx so that Meta
// delivers them again; once Temporal is back, the redelivery is answered.
func TestReadinessFollowsTemporal(t *testing.T) {
	t.Parallel()
	port, err := testkit.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "temporal.db")
	start := func() *devserver.Server {
		srv, err := devserver.Start(devserver.Options{Port: port, DatabaseFile: db, SearchAttributes: app.SearchAttributes,
			Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		return srv
	}
	srv := start()
	defer func() { srv.Stop() }()
	s := newStack(t, withEnv("TEMPORAL_ADDRESS", srv.Address()))
	if code := s.readyz(); code != http.StatusOK {
		t.Fatalf("readyz: %d", code)
	}
	srv.Stop()
	eventually(t, 20*time.Second, func() bool { return s.readyz() == http.StatusServiceUnavailable }, "readyz to fail without Temporal")
	phone := newPhone()
	body := s.hook.Body(s.hook.Text(phone, "How much is delivery?"))
	if code := s.post(body); code < 500 {
		t.Fatalf("a webhook Temporal cannot take must be refused with 5xx so that Meta retries; got %d", code)
	}
	srv = start()
	eventually(t, 60*time.Second, func() bool { return s.readyz() == http.StatusOK }, "readyz to recover with Temporal")
	eventually(t, 30*time.Second, func() bool { return s.post(body) == http.StatusOK }, "the redelivery to be taken")
	if got := s.graph.WaitForMessages(t, phone, 1, 30*time.Second); !strings.Contains(got[0].Text, "R99") {
		t.Fatalf("redelivered question answered with %q", got[0].Text)
	}
}

// TestMetricsAndLogsAfterAConversation runs a scripted conversation and reads /metrics and the logs.
func TestMetricsAndLogsAfterAConversation(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	phone := newPhone()
	s.say(phone, "What are your trading hours?")
	s.graph.WaitForMessages(t, phone, 1, 30*time.Second)
	s.say(phone, "I want a refund")
	s.waitStatus(phone, conversation.StatusHandoff)
	if code := s.api("POST", "/api/conversations/"+phone+"/reply", map[string]string{"agent": "Sipho", "text": "Sipho here"}, nil); code != http.StatusOK {
		t.Fatalf("reply: %d", code)
	}
	body := s.hook.Body(s.hook.Text(phone, "again"))
	s.post(body)
	s.post(body)
	req, _ := http.NewRequest("POST", s.base+"/webhooks/whatsapp", strings.NewReader(string(body)))
	req.Header.Set("X-Hub-Signature-256", "sha256=00")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	s.graph.WaitForMessages(t, phone, 3, 30*time.Second)

	var metrics string
	eventually(t, 10*time.Second, func() bool {
		_, metrics = s.get("/metrics")
		return strings.Contains(metrics, `supportd_handoffs_total{reason="refund_request"} 1`)
	}, "the handoff in /metrics")
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`supportd_webhooks_received_total\{result="ok",source="whatsapp"\} ([4-9]|[1-9][0-9]+)\n`), // with statuses
		regexp.MustCompile(`supportd_webhooks_received_total\{result="bad_signature",source="whatsapp"\} 1`),
		regexp.MustCompile(`supportd_webhook_signature_failures_total\{source="whatsapp"\} 1`),
		regexp.MustCompile(`supportd_dedupe_hits_total\{source="whatsapp"\} 1`),
		regexp.MustCompile(`supportd_bot_answers_total\{kind="answer"\} 1`),
		regexp.MustCompile(`supportd_agent_replies_total\{source="console"\} 1`),
		regexp.MustCompile(`supportd_outbound_messages_total\{kind="answer"\} 1`),
		regexp.MustCompile(`supportd_outbound_messages_total\{kind="agent"\} 1`),
		regexp.MustCompile(`supportd_webhook_to_send_seconds_count [1-9]`),
		regexp.MustCompile(`supportd_llm_request_seconds_count\{engine="local",op="reply"\} [1-9]`),
		regexp.MustCompile(`temporal_\w+`), // the Temporal SDK's own metrics
	} {
		if !want.MatchString(metrics) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	logs := s.logs.String()
	if !strings.Contains(logs, "request_id=") {
		t.Error("gateway logs carry no request id")
	}
	if !strings.Contains(logs, "wa_id=*******"+phone[len(phone)-4:]) {
		t.Error("no masked wa_id in the logs")
	}
	for _, secret := range []string{phone, appSecret, agentToken, s.graph.AccessToken()} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}

// TestSigtermDuringBurstLosesNothing sends SIGTERM to supportd while webhooks pour in: each webhook is either
// acknowledged and then held by Temporal, or refused (5xx or connection refused) so that Meta retries.
func TestSigtermDuringBurstLosesNothing(t *testing.T) {
	p, graph, hook := startDev(t)
	phones := []string{newPhone(), newPhone(), newPhone(), newPhone()}
	// Put the conversations in handoff first, so that every later message is kept for a person and the
	// transcript is the whole record.
	s := &stack{t: t, graph: graph, hook: hook, base: p.url}
	for _, ph := range phones {
		s.say(ph, "I want to talk to a person")
	}
	for _, ph := range phones {
		s.waitStatus(ph, conversation.StatusHandoff)
	}

	type sent struct {
		phone, text string
		code        int
	}
	const beforeSignal = 20 // acknowledgements before SIGTERM: the signal lands mid-burst
	var (
		mu      sync.Mutex
		results []sent
		acks    int
		wg      sync.WaitGroup
	)
	enough := make(chan struct{})
	client := &http.Client{Timeout: 30 * time.Second}
	// Each customer writes one message after another until supportd stops taking them.
	for _, ph := range phones {
		wg.Go(func() {
			for i := 0; i < 200; i++ {
				text := fmt.Sprintf("burst message %d", i)
				req := hook.SignedRequest(p.url+"/webhooks/whatsapp", hook.Body(hook.Text(ph, text)))
				code := 0
				if resp, err := client.Do(req); err == nil {
					code = resp.StatusCode
					resp.Body.Close()
				}
				mu.Lock()
				results = append(results, sent{ph, text, code})
				if code == http.StatusOK {
					if acks++; acks == beforeSignal {
						close(enough)
					}
				}
				mu.Unlock()
				if code != http.StatusOK {
					return
				}
			}
		})
	}
	<-enough
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("supportd did not exit cleanly on SIGTERM: %v\n%s", err, p.logText())
		}
	case <-time.After(40 * time.Second):
		t.Fatalf("supportd still running 40s after SIGTERM\n%s", p.logText())
	}
	p.cmd = nil

	acked, refused := 0, 0
	for _, r := range results {
		switch {
		case r.code == http.StatusOK:
			acked++
		case r.code == 0 || r.code >= 500:
			refused++
		default:
			t.Errorf("%s: answered %d: neither taken nor refused for a retry", r.text, r.code)
		}
	}
	if acked < beforeSignal || refused == 0 {
		t.Fatalf("acknowledged %d, refused %d: the signal did not land mid-burst", acked, refused)
	}

	p.start()
	s.base = p.url
	for _, ph := range phones {
		c := s.conversation(ph)
		have := map[string]bool{}
		for _, e := range c.Transcript {
			have[e.Text] = true
		}
		for _, r := range results {
			if r.phone == ph && r.code == http.StatusOK && !have[r.text] {
				t.Errorf("acknowledged %q lost after SIGTERM", r.text)
			}
		}
	}
	t.Logf("%d of %d webhooks acknowledged before shutdown, all held", acked, len(results))
}
