package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// postGraph sends body to the fake's messages endpoint with the given token and decodes the JSON answer.
func postGraph(t *testing.T, g *Graph, token, body string) (int, map[string]any) {
	t.Helper()
	status, decoded, err := tryPostGraph(g, g.PhoneNumberID(), token, body)
	if err != nil {
		t.Fatal(err)
	}
	return status, decoded
}

// tryPostGraph is postGraph for any goroutine and any phone number ID.
func tryPostGraph(g *Graph, phoneNumberID, token, body string) (int, map[string]any, error) {
	req, err := http.NewRequest(http.MethodPost, g.URL()+"/"+phoneNumberID+"/messages", strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	var decoded map[string]any
	if err := json.Unmarshal(data, &decoded); err != nil {
		return resp.StatusCode, map[string]any{"raw": string(data)}, nil
	}
	return resp.StatusCode, decoded, nil
}

func graphErrorCode(body map[string]any) float64 {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(float64)
	return code
}

func graphTextBody(to, text string) string {
	data, _ := json.Marshal(map[string]any{
		"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text",
		"text": map[string]any{"preview_url": false, "body": text},
	})
	return string(data)
}

func graphButtonsBody(to, text string, buttons ...[2]string) string {
	var list []map[string]any
	for _, b := range buttons {
		list = append(list, map[string]any{"type": "reply", "reply": map[string]string{"id": b[0], "title": b[1]}})
	}
	data, _ := json.Marshal(map[string]any{
		"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "interactive",
		"interactive": map[string]any{"type": "button", "body": map[string]string{"text": text},
			"action": map[string]any{"buttons": list}},
	})
	return string(data)
}

func TestGraphSuccessShapes(t *testing.T) {
	g := NewGraph(t)
	status, body := postGraph(t, g, g.AccessToken(), graphTextBody("+16505551234", "Hello!"))
	if status != http.StatusOK {
		t.Fatalf("status %d: %v", status, body)
	}
	contacts := body["contacts"].([]any)[0].(map[string]any)
	messages := body["messages"].([]any)[0].(map[string]any)
	if body["messaging_product"] != "whatsapp" || contacts["input"] != "+16505551234" || contacts["wa_id"] != "16505551234" {
		t.Errorf("success body = %v", body)
	}
	id, _ := messages["id"].(string)
	if !strings.HasPrefix(id, "wamid.") {
		t.Errorf("message id = %q", id)
	}
	got := g.Messages("16505551234")
	if len(got) != 1 || got[0].ID != id || got[0].Text != "Hello!" || got[0].Type != "text" || got[0].PhoneNumberID != g.PhoneNumberID() || got[0].At.IsZero() {
		t.Errorf("recorded %+v", got)
	}

	status, body = postGraph(t, g, g.AccessToken(), `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN","typing_indicator":{"type":"text"}}`)
	if status != http.StatusOK || body["success"] != true || len(body) != 1 {
		t.Errorf("read receipt answer %d %v, want 200 {\"success\":true}", status, body)
	}
	if reads := g.Reads(); len(reads) != 1 || reads[0].MessageID != "wamid.IN" || !reads[0].Typing {
		t.Errorf("recorded reads %+v", reads)
	}

	status, body = postGraph(t, g, g.AccessToken(), `{"messaging_product":"whatsapp","to":"16505551234","type":"template","template":{"name":"order_update_v1","language":{"code":"en_US"}}}`)
	if status != http.StatusOK || body["messages"].([]any)[0].(map[string]any)["message_status"] != "accepted" {
		t.Errorf("template answer %d %v", status, body)
	}
	if m := g.Messages("16505551234"); len(m) != 2 || m[1].Template != "order_update_v1" {
		t.Errorf("recorded %+v", m)
	}
}

func TestGraphRefusals(t *testing.T) {
	long := func(n int) string { return strings.Repeat("é", n) }
	tests := []struct {
		name   string
		token  string
		body   string
		status int
		code   float64
	}{
		{"no token", "", graphTextBody("1", "hi"), 401, 190},
		{"wrong token", "nope", graphTextBody("1", "hi"), 401, 190},
		{"no messaging_product", graphAccessToken, `{"to":"1","type":"text","text":{"body":"hi"}}`, 400, 100},
		{"wrong messaging_product", graphAccessToken, `{"messaging_product":"sms","to":"1","type":"text","text":{"body":"hi"}}`, 400, 100},
		{"not JSON", graphAccessToken, `to=1`, 400, 100},
		{"no recipient", graphAccessToken, graphTextBody("", "hi"), 400, 100},
		{"empty text", graphAccessToken, graphTextBody("1", ""), 400, 100},
		{"text over 4096", graphAccessToken, graphTextBody("1", long(4097)), 400, 100},
		{"no buttons", graphAccessToken, graphButtonsBody("1", "pick"), 400, 100},
		{"four buttons", graphAccessToken, graphButtonsBody("1", "pick", [2]string{"1", "1"}, [2]string{"2", "2"}, [2]string{"3", "3"}, [2]string{"4", "4"}), 400, 100},
		{"title over 20", graphAccessToken, graphButtonsBody("1", "pick", [2]string{"a", long(21)}), 400, 100},
		{"duplicate titles", graphAccessToken, graphButtonsBody("1", "pick", [2]string{"a", "X"}, [2]string{"b", "X"}), 400, 100},
		{"id over 256", graphAccessToken, graphButtonsBody("1", "pick", [2]string{strings.Repeat("i", 257), "A"}), 400, 100},
		{"body over 1024", graphAccessToken, graphButtonsBody("1", long(1025), [2]string{"a", "A"}), 400, 100},
		{"read without id", graphAccessToken, `{"messaging_product":"whatsapp","status":"read"}`, 400, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewGraph(t)
			status, body := postGraph(t, g, tt.token, tt.body)
			if status != tt.status || graphErrorCode(body) != tt.code {
				t.Errorf("answer %d %v, want %d with code %v", status, body, tt.status, tt.code)
			}
			if e, _ := body["error"].(map[string]any); e["type"] != "OAuthException" || e["fbtrace_id"] == "" {
				t.Errorf("error body %v lacks type or fbtrace_id", body)
			}
			if len(g.Messages("")) != 0 || len(g.Reads()) != 0 || g.Requests() != 1 {
				t.Errorf("recorded %d messages, %d reads, %d requests; want 0, 0, 1", len(g.Messages("")), len(g.Reads()), g.Requests())
			}
		})
	}
	t.Run("limits at the boundary", func(t *testing.T) {
		g := NewGraph(t)
		for _, body := range []string{
			graphTextBody("1", long(4096)),
			graphButtonsBody("1", long(1024), [2]string{strings.Repeat("i", 256), long(20)}, [2]string{"b", "B"}, [2]string{"c", "C"}),
		} {
			if status, answer := postGraph(t, g, g.AccessToken(), body); status != http.StatusOK {
				t.Errorf("answer %d %v, want 200", status, answer)
			}
		}
	})
	t.Run("unknown phone number id", func(t *testing.T) {
		g := NewGraph(t)
		status, body, err := tryPostGraph(g, "999", g.AccessToken(), graphTextBody("1", "hi"))
		if err != nil {
			t.Fatal(err)
		}
		if status != http.StatusBadRequest || graphErrorCode(body) != 100 {
			t.Errorf("answer %d %v, want 400 with code 100", status, body)
		}
	})
}

func TestGraphFailures(t *testing.T) {
	g := NewGraph(t)
	g.FailNext(2, 429, 130429)
	g.Fail(GraphFailure{To: "27820000009", Status: 400, Code: 131047})
	for i := range 2 {
		if status, body := postGraph(t, g, g.AccessToken(), graphTextBody("1", "hi")); status != 429 || graphErrorCode(body) != 130429 {
			t.Errorf("attempt %d: answer %d %v, want 429 code 130429", i, status, body)
		}
	}
	if status, _ := postGraph(t, g, g.AccessToken(), graphTextBody("1", "hi")); status != 200 {
		t.Errorf("third attempt: status %d, want 200", status)
	}
	status, body := postGraph(t, g, g.AccessToken(), graphTextBody("+27820000009", "hi"))
	e, _ := body["error"].(map[string]any)
	data, _ := e["error_data"].(map[string]any)
	if status != 400 || graphErrorCode(body) != 131047 || !strings.Contains(fmt.Sprint(data["details"]), "24 hours") ||
		e["message"] != "(#131047) Re-engagement message" {
		t.Errorf("closed window answer %d %v", status, body)
	}
	// Read receipts are not affected unless asked.
	if status, _ := postGraph(t, g, g.AccessToken(), `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.1"}`); status != 200 {
		t.Errorf("read receipt: status %d, want 200", status)
	}
	g.ClearFailures()
	if status, _ := postGraph(t, g, g.AccessToken(), graphTextBody("27820000009", "hi")); status != 200 {
		t.Errorf("after ClearFailures: status %d, want 200", status)
	}
	if g.Requests() != 6 || len(g.Messages("")) != 2 {
		t.Errorf("counted %d requests and %d messages, want 6 and 2", g.Requests(), len(g.Messages("")))
	}

	g.Fail(GraphFailure{Times: 1, Status: 502, HTML: true, IncludeReads: true})
	req, _ := http.NewRequest(http.MethodPost, g.URL()+"/"+g.PhoneNumberID()+"/messages",
		strings.NewReader(`{"messaging_product":"whatsapp","status":"read","message_id":"wamid.1"}`))
	req.Header.Set("Authorization", "Bearer "+g.AccessToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 502 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(page, []byte("502 Bad Gateway")) {
		t.Errorf("HTML failure: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), page)
	}
}

func TestGraphConcurrentSendsAndWait(t *testing.T) {
	g := NewGraph(t)
	const senders, each = 8, 10
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := range each {
				time.Sleep(time.Millisecond)
				to := fmt.Sprintf("2782000000%d", s%2)
				status, body, err := tryPostGraph(g, g.PhoneNumberID(), g.AccessToken(), graphTextBody(to, fmt.Sprintf("%d-%d", s, i)))
				if err != nil || status != 200 {
					t.Errorf("status %d %v %v", status, body, err)
				}
			}
		})
	}
	got := g.WaitForMessages(t, "27820000000", senders/2*each, 10*time.Second)
	wg.Wait()
	if len(got) < senders/2*each {
		t.Fatalf("WaitForMessages returned %d messages", len(got))
	}
	ids := map[string]bool{}
	for _, m := range g.Messages("") {
		if ids[m.ID] {
			t.Errorf("duplicate wamid %s", m.ID)
		}
		ids[m.ID] = true
	}
	if len(ids) != senders*each || g.Requests() != senders*each {
		t.Errorf("%d unique messages from %d requests, want %d", len(ids), g.Requests(), senders*each)
	}
}

// graphRecordingTB records a fatal failure instead of stopping the goroutine.
type graphRecordingTB struct {
	testing.TB
	failed string
}

func (r *graphRecordingTB) Helper() {}
func (r *graphRecordingTB) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
}

func TestGraphWaitTimesOut(t *testing.T) {
	g := NewGraph(t)
	postGraph(t, g, g.AccessToken(), graphTextBody("1", "only one"))
	tb := &graphRecordingTB{TB: t}
	start := time.Now()
	got := g.WaitForMessages(tb, "1", 2, 100*time.Millisecond)
	if len(got) != 1 || !strings.Contains(tb.failed, "only one") || time.Since(start) < 100*time.Millisecond {
		t.Errorf("WaitForMessages returned %d messages, failure %q", len(got), tb.failed)
	}
	tb.failed = ""
	g.WaitForReads(tb, 1, 10*time.Millisecond)
	if tb.failed == "" {
		t.Error("WaitForReads did not fail the test")
	}
}

func TestGraphLatency(t *testing.T) {
	g := NewGraph(t)
	g.SetLatency(80 * time.Millisecond)
	start := time.Now()
	postGraph(t, g, g.AccessToken(), graphTextBody("1", "hi"))
	if elapsed := time.Since(start); elapsed < 80*time.Millisecond {
		t.Errorf("answer after %v, want at least 80ms", elapsed)
	}
}
