package gateway

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// testBodyTimeout stands for the 30 s body deadline in tests.
const testBodyTimeout = 200 * time.Millisecond

// TestStalledBodyIsRefused: a client sends a webhook's headers and half its body, then stalls. Once the body
// deadline passes the gateway answers 408, which is no acknowledgement (Meta and Slack deliver the webhook
// again), and nothing reaches a conversation.
func TestStalledBodyIsRefused(t *testing.T) {
	for _, tc := range []struct{ path, source string }{
		{"/webhooks/whatsapp", "whatsapp"},
		{"/webhooks/slack/events", "slack"},
	} {
		t.Run(tc.source, func(t *testing.T) {
			f := newFixture(t)
			gw := New(Options{Temporal: f.temporal, TaskQueue: "q", Store: f.store, Metrics: f.metrics,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), WhatsAppAppSecret: testSecret,
				SlackSigningSecret: testSecret, BodyTimeout: testBodyTimeout})
			srv := httptest.NewServer(gw)
			t.Cleanup(srv.Close)

			m := f.hook.Text("27820000001", "Where is my order?")
			resp, err := stallBody(srv, tc.path, f.hook.Body(m), f.hook.SignedRequest(tc.path, f.hook.Body(m)).Header.Get("X-Hub-Signature-256"))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusRequestTimeout {
				t.Fatalf("stalled body answered %d, want 408", resp.StatusCode)
			}
			var answer struct{ Error string }
			if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || answer.Error == "" {
				t.Errorf("answer %+v (%v), want a JSON error in words", answer, err)
			}
			if n := f.temporal.signalled(m.ID); n != 0 {
				t.Errorf("a message of a cut-off body was signalled %d times", n)
			}
			if n := f.metric(`supportd_webhooks_received_total{result="body_timeout",source="` + tc.source + `"}`); n != 1 {
				t.Errorf("webhooks received with body_timeout: %v, want 1", n)
			}
		})
	}
}

// stallBody sends a webhook's headers and half its body to srv, then stalls, and returns the gateway's answer.
// It gives up well past the body deadline, but far short of forever: a gateway without one never answers.
func stallBody(srv *httptest.Server, path string, body []byte, signature string) (*http.Response, error) {
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		return nil, err
	}
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\nX-Hub-Signature-256: %s\r\n\r\n", path, len(body), signature)
	if _, err := conn.Write(append([]byte(head), body[:len(body)/2]...)); err != nil {
		conn.Close()
		return nil, err
	}
	limit := 25 * testBodyTimeout
	_ = conn.SetReadDeadline(time.Now().Add(limit))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("no answer to a stalled body within %v: %w", limit, err)
	}
	return resp, nil
}

// TestBodyDeadlineEndsWithTheBody: the deadline bounds the body only. A webhook received in full whose
// handling outlasts it is still handed to its conversation and acknowledged. The handling waits until the
// gateway refused a body stalled after it: its deadline, the later one, has passed.
func TestBodyDeadlineEndsWithTheBody(t *testing.T) {
	f := newFixture(t)
	var srv *httptest.Server
	outlast := func(string) error {
		stalled := f.hook.Text("27820000002", "hello?")
		body := f.hook.Body(stalled)
		resp, err := stallBody(srv, "/webhooks/whatsapp", body, f.hook.SignedRequest("/webhooks/whatsapp", body).Header.Get("X-Hub-Signature-256"))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusRequestTimeout {
			return fmt.Errorf("stalled body answered %d, want 408", resp.StatusCode)
		}
		return nil
	}
	var once sync.Once
	gw := New(Options{Temporal: f.temporal, TaskQueue: "q", Store: f.store, Metrics: f.metrics,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), WhatsAppAppSecret: testSecret, BodyTimeout: testBodyTimeout,
		beforeSignal: func(id string) (err error) {
			once.Do(func() { err = outlast(id) })
			return err
		}})
	srv = httptest.NewServer(gw)
	t.Cleanup(srv.Close)

	m := f.hook.Text("27820000001", "Where is my order?")
	if code, answer := f.hook.Post(t, srv.URL+"/webhooks/whatsapp", f.hook.Body(m)); code != http.StatusOK {
		t.Fatalf("answered %d %s, want 200", code, answer)
	}
	if n := f.temporal.answered(m.ID); n != 1 {
		t.Fatalf("message answered %d times", n)
	}
}

// TestClientAddress: X-Forwarded-For is believed only from a proxy in TrustedProxies; otherwise the client
// is whoever connected. The address the gateway logs a refused webhook with shows which it took.
func TestClientAddress(t *testing.T) {
	const proxy, client = "192.0.2.1", "203.0.113.7"
	for _, tc := range []struct {
		name    string
		trusted []string
		want    string
	}{
		{"no trusted proxies: the header is ignored", nil, proxy},
		{"the proxy is trusted by address", []string{proxy}, client},
		{"the proxy is trusted by CIDR", []string{"192.0.2.0/24"}, client},
		{"another proxy is trusted", []string{"10.0.0.0/8"}, proxy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			gw := New(Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil)), WhatsAppAppSecret: testSecret,
				TrustedProxies: tc.trusted})
			req := httptest.NewRequest(http.MethodPost, "/webhooks/whatsapp", strings.NewReader(`{}`))
			req.RemoteAddr = proxy + ":41234"
			req.Header.Set("X-Forwarded-For", client)
			req.Header.Set("X-Hub-Signature-256", "sha256=00")
			rec := httptest.NewRecorder()
			gw.ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("unsigned webhook answered %d", rec.Code)
			}
			var line struct{ Msg, Remote string }
			if err := json.Unmarshal(logs.Bytes(), &line); err != nil || line.Msg != "whatsapp webhook refused: bad signature" {
				t.Fatalf("log %q (%v), want the refusal", logs.String(), err)
			}
			if line.Remote != tc.want {
				t.Errorf("client logged as %q, want %q", line.Remote, tc.want)
			}
		})
	}
}
