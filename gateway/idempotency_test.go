package gateway

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestIdempotencyKeyHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []string
		want   string
		ok     bool
	}{
		{"none", nil, "", true},
		{"a UUID", []string{"8e03978e-40d5-43e8-bc93-6894a57f9324"}, "8e03978e-40d5-43e8-bc93-6894a57f9324", true},
		{"a structured-field string", []string{`"8e03978e-40d5"`}, "8e03978e-40d5", true},
		{"base64", []string{"q83vEjRWeJA+/w=="}, "q83vEjRWeJA+/w==", true},
		{"the longest", []string{strings.Repeat("k", maxIdempotencyKey)}, strings.Repeat("k", maxIdempotencyKey), true},
		{"too long", []string{strings.Repeat("k", maxIdempotencyKey+1)}, "", false},
		{"empty", []string{""}, "", false},
		{"empty quotes", []string{`""`}, "", false},
		{"a space inside", []string{"two words"}, "", false},
		{"not ASCII", []string{"clé"}, "", false},
		{"a control character", []string{"a\x01b"}, "", false},
		{"twice", []string{"a", "b"}, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(rec)
			c.Request = httptest.NewRequest("POST", "/api/conversations/27821234567/reply", nil)
			for _, v := range tc.values {
				c.Request.Header.Add(IdempotencyKeyHeader, v)
			}
			got, ok := idempotencyKey(c)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("idempotencyKey = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
			if !ok && rec.Code != http.StatusBadRequest {
				t.Fatalf("a malformed key answered %d", rec.Code)
			}
		})
	}
}

func TestUpdateIDsOfOneKeyDifferByEndpointAndAgent(t *testing.T) {
	t.Parallel()
	if id := updateID("reply", "Sipho", ""); id != "" {
		t.Fatalf("no key gave update id %q: Temporal must make one up", id)
	}
	seen := map[string]string{}
	for _, c := range []struct{ endpoint, agent string }{
		{"reply", "Sipho"}, {"reply", "Lerato"}, {"message", "Sipho"}, {"message", "Lerato"},
	} {
		id := updateID(c.endpoint, c.agent, "k1")
		if other, dup := seen[id]; dup {
			t.Fatalf("%s by %s and %s share update id %q", c.endpoint, c.agent, other, id)
		}
		seen[id] = c.endpoint + " " + c.agent
		if id != updateID(c.endpoint, c.agent, "k1") {
			t.Fatalf("update id of %s by %s is not stable", c.endpoint, c.agent)
		}
		if len(updateID(c.endpoint, strings.Repeat("a", 5000), strings.Repeat("k", maxIdempotencyKey))) > 300 {
			t.Fatal("a long agent name makes a long update id")
		}
	}
}
