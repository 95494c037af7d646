package gateway

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

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
