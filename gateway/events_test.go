package gateway_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/gateway"
	"github.com/supportd/supportd/internal/metrics"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/store"
	"github.com/supportd/supportd/workflows/conversation"
)

const eventsToken = "events-test-token"

// eventsGateway serves a gateway on a real HTTP server (as supportd does: streams end when its shutdown
// begins) over a real redis-server, and returns its URL, the store a worker would mirror through, and a
// function that shuts the server down. configure, if given, changes the gateway's options and the server
// before it starts.
func eventsGateway(t *testing.T, configure ...func(*gateway.Options, *http.Server)) (string, *store.Store, *gateway.Server, *metrics.Metrics, func(context.Context) error) {
	t.Helper()
	r := testkit.StartRedis(t)
	client := func() *store.Store {
		rdb := redis.NewClient(&redis.Options{Addr: r.Addr})
		t.Cleanup(func() { _ = rdb.Close() })
		return store.New(rdb)
	}
	m := metrics.New()
	opts := gateway.Options{Store: client(), AgentAPIToken: eventsToken, Metrics: m,
		StreamHeartbeat: 50 * time.Millisecond, TemporalUIURL: "http://ui.example", Namespace: "default"}
	srv := &http.Server{}
	for _, f := range configure {
		f(&opts, srv)
	}
	gw := gateway.New(opts)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Handler = gw
	srv.RegisterOnShutdown(gw.CloseStreams)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + l.Addr().String(), client(), gw, m, srv.Shutdown
}

// sse reads server-sent events.
type sse struct {
	t    *testing.T
	body io.ReadCloser
	rd   *bufio.Reader
}

func openEvents(t *testing.T, base, token string) (*http.Response, *sse) {
	t.Helper()
	return openEventsFrom(t, base, token, "")
}

// openEventsFrom opens a stream through a proxy that says it forwards forwardedFor (none when empty).
func openEventsFrom(t *testing.T, base, token, forwardedFor string) (*http.Response, *sse) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/events", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp, &sse{t: t, body: resp.Body, rd: bufio.NewReader(resp.Body)}
}

// next returns the next event's name and data, or ":" and the text of a comment; it fails the test after
// 10 s. err is the reader's error (io.EOF when the stream ended).
func (s *sse) next() (name, data string, err error) {
	s.t.Helper()
	type frame struct {
		name, data string
		err        error
	}
	got := make(chan frame, 1)
	go func() {
		var f frame
		for {
			line, err := s.rd.ReadString('\n')
			if err != nil {
				f.err = err
				got <- f
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "":
				if f.name != "" || f.data != "" {
					got <- f
					return
				}
			case strings.HasPrefix(line, ":"):
				got <- frame{name: ":", data: strings.TrimSpace(line[1:])}
				return
			case strings.HasPrefix(line, "event: "):
				f.name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				f.data = line[len("data: "):]
			case strings.HasPrefix(line, "retry: "):
				f.name = "retry"
				f.data = line[len("retry: "):]
			}
		}
	}()
	select {
	case f := <-got:
		return f.name, f.data, f.err
	case <-time.After(10 * time.Second):
		s.t.Fatal("no event within 10 s")
		return "", "", nil
	}
}

// nextEvent skips heartbeats and returns the next named event.
func (s *sse) nextEvent() (string, string) {
	s.t.Helper()
	for {
		name, data, err := s.next()
		if err != nil {
			s.t.Fatalf("stream ended: %v", err)
		}
		if name != ":" {
			return name, data
		}
	}
}

func TestEventsRefuseWithoutTheAgentToken(t *testing.T) {
	base, _, _, _, _ := eventsGateway(t)
	for _, token := range []string{"", "wrong-token"} {
		resp, _ := openEvents(t, base, token)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("token %q: status %d, want 401", token, resp.StatusCode)
		}
		if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/event-stream") {
			t.Errorf("token %q: a refused request got an event stream", token)
		}
	}
}

// TestEventsCarryMirroredChanges: the stream says it is ready, then carries each conversation a worker
// mirrors, as the list shows it, with heartbeats in between; the gauge counts the open stream.
func TestEventsCarryMirroredChanges(t *testing.T) {
	base, worker, _, m, _ := eventsGateway(t)
	resp, s := openEvents(t, base, eventsToken)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for header, want := range map[string]string{
		"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no",
	} {
		if got := resp.Header.Get(header); got != want {
			t.Errorf("%s: %q, want %q", header, got, want)
		}
	}
	if name, data := s.nextEvent(); name != "retry" || data != "3000" {
		t.Errorf("first frame %s %q, want the retry hint", name, data)
	}
	if name, _ := s.nextEvent(); name != "ready" {
		t.Errorf("second frame %q, want ready", name)
	}
	// The subscription starts with the first stream: once it is confirmed the stream asks for a resync.
	if name, _ := s.nextEvent(); name != "resync" {
		t.Errorf("then %q, want resync once the gateway listens to Redis", name)
	}
	if got := streamsGauge(t, m); got != "1" {
		t.Errorf("supportd_console_streams %s, want 1", got)
	}

	at := time.Now().UTC().Truncate(time.Millisecond)
	if err := worker.Mirror(context.Background(), conversation.Mirror{Phone: "27820000001", Name: "Thandi",
		Status: conversation.StatusHandoff, Reason: "refund_request", LastMessage: "I want a refund",
		LastActivity: at, HandoffAt: at}); err != nil {
		t.Fatal(err)
	}
	name, data := s.nextEvent()
	if name != "conversation" {
		t.Fatalf("event %q, want conversation", name)
	}
	var snap conversation.Snapshot
	if err := json.Unmarshal([]byte(data), &snap); err != nil {
		t.Fatal(err)
	}
	if snap.Phone != "27820000001" || snap.Status != conversation.StatusHandoff || snap.HandoffReasonLabel == "" ||
		snap.HandoffAt == nil || !snap.LastActivity.Equal(at) || !strings.Contains(snap.TemporalURL, "conversation-27820000001") {
		t.Errorf("event data %+v", snap)
	}

	// Nothing more happens: heartbeats keep the stream open.
	for i := 0; i < 2; i++ {
		if name, text, err := s.next(); err != nil || name != ":" || text != "keepalive" {
			t.Errorf("idle stream: %q %q %v, want a heartbeat", name, text, err)
		}
	}
}

// TestShutdownEndsEventStreams: an open stream does not hold up the gateway's graceful shutdown; it ends,
// and a stream asked for during shutdown is refused.
func TestShutdownEndsEventStreams(t *testing.T) {
	base, _, gw, m, shutdown := eventsGateway(t)
	_, s := openEvents(t, base, eventsToken)
	if name, _ := s.nextEvent(); name != "retry" {
		t.Fatalf("first frame %q", name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := shutdown(ctx); err != nil {
		t.Fatalf("shutdown with an open stream: %v after %v", err, time.Since(start))
	}
	for {
		_, _, err := s.next()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			t.Fatalf("stream ended with %v, want its end", err)
		}
	}
	if got := streamsGauge(t, m); got != "0" {
		t.Errorf("supportd_console_streams %s after shutdown, want 0", got)
	}
	// Whatever still reaches the handler (another listener, a test) is refused.
	rec := httptestRecorder(gw)
	if rec != http.StatusServiceUnavailable {
		t.Errorf("a stream during shutdown: status %d, want 503", rec)
	}
}

func httptestRecorder(h http.Handler) int {
	req := httptest.NewRequest(http.MethodGet, "/api/events", nil)
	req.Header.Set("Authorization", "Bearer "+eventsToken)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code
}

// streamsGauge reads supportd_console_streams as /metrics shows it.
func streamsGauge(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, line := range strings.Split(w.Body.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "supportd_console_streams "); ok {
			return v
		}
	}
	t.Fatal("/metrics has no supportd_console_streams")
	return ""
}

// TestEventStreamOutlivesReadTimeouts: a stream is a request that never ends. Neither the server's read
// timeout nor the gateway's body deadline ends it: it keeps carrying heartbeats well past both.
func TestEventStreamOutlivesReadTimeouts(t *testing.T) {
	const timeout = 100 * time.Millisecond
	base, _, _, _, _ := eventsGateway(t, func(o *gateway.Options, srv *http.Server) {
		o.BodyTimeout = timeout
		srv.ReadHeaderTimeout, srv.ReadTimeout, srv.IdleTimeout = timeout, timeout, timeout
	})
	resp, s := openEvents(t, base, eventsToken)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	start := time.Now()
	for time.Since(start) < 6*timeout {
		if _, _, err := s.next(); err != nil {
			t.Fatalf("stream ended after %v: %v", time.Since(start), err)
		}
	}
}

// refusal opens a stream that must be refused with 429 and a JSON error in words.
func refusal(t *testing.T, base, forwardedFor string) {
	t.Helper()
	resp, _ := openEventsFrom(t, base, eventsToken, forwardedFor)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("stream from %q: status %d, want 429", forwardedFor, resp.StatusCode)
	}
	var answer struct{ Error string }
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || answer.Error == "" {
		t.Errorf("429 answer %+v (%v), want a JSON error in words", answer, err)
	}
}

// opened opens a stream that must be served.
func opened(t *testing.T, base, forwardedFor string) *http.Response {
	t.Helper()
	resp, _ := openEventsFrom(t, base, eventsToken, forwardedFor)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stream from %q: status %d, want 200", forwardedFor, resp.StatusCode)
	}
	return resp
}

// reopens waits until a stream from forwardedFor is served again, after one closed.
func reopens(t *testing.T, base, forwardedFor string) {
	t.Helper()
	testkit.Eventually(t, 5*time.Second, "a closed stream's place to be free", func() bool {
		resp, _ := openEventsFrom(t, base, eventsToken, forwardedFor)
		defer resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// TestEventStreamsCappedPerAgent: one agent may hold MaxAgentStreams streams; the next is refused with 429,
// and a stream that closes frees its place. A forged X-Forwarded-For from an untrusted client changes
// nothing: the agent is still the one who connected.
func TestEventStreamsCappedPerAgent(t *testing.T) {
	base, _, _, m, _ := eventsGateway(t, func(o *gateway.Options, _ *http.Server) { o.MaxAgentStreams = 2 })
	first := opened(t, base, "")
	opened(t, base, "198.51.100.1")
	refusal(t, base, "198.51.100.2")
	if got := streamsGauge(t, m); got != "2" {
		t.Errorf("supportd_console_streams %s, want 2: a refused stream is not counted", got)
	}
	_ = first.Body.Close()
	reopens(t, base, "")
}

// TestEventStreamsCappedPerGateway: past MaxStreams open on the gateway, any agent's next stream is refused;
// a stream that closes frees its place. Agents are told apart by the client address that a trusted proxy
// forwards.
func TestEventStreamsCappedPerGateway(t *testing.T) {
	base, _, _, _, _ := eventsGateway(t, func(o *gateway.Options, _ *http.Server) {
		o.MaxAgentStreams, o.MaxStreams, o.TrustedProxies = 1, 2, []string{"127.0.0.1"}
	})
	first := opened(t, base, "203.0.113.1")
	refusal(t, base, "203.0.113.1")
	opened(t, base, "203.0.113.2")
	refusal(t, base, "203.0.113.3")
	_ = first.Body.Close()
	reopens(t, base, "203.0.113.3")
}
