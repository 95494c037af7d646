package whatsapp_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/workflows/conversation"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/whatsapp"
)

const customer = "16505551234"

func newClient(g *testkit.Graph) *whatsapp.Client {
	return whatsapp.NewClient(g.URL(), g.PhoneNumberID(), g.AccessToken(), nil)
}

func TestSendText(t *testing.T) {
	g := testkit.NewGraph(t)
	id, err := newClient(g).SendText(t.Context(), "+"+customer, "Hello! We're open 08:00-17:00.")
	if err != nil {
		t.Fatalf("SendText: %v", err)
	}
	if !strings.HasPrefix(id, "wamid.") {
		t.Errorf("SendText id = %q, want a wamid", id)
	}
	sent := g.Messages(customer)
	if len(sent) != 1 {
		t.Fatalf("fake got %d messages, want 1", len(sent))
	}
	m := sent[0]
	if m.ID != id || m.Type != "text" || m.Text != "Hello! We're open 08:00-17:00." || m.To != "+"+customer {
		t.Errorf("fake recorded %+v", m)
	}
	var body map[string]any
	if err := json.Unmarshal(m.Body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+" + customer, "type": "text",
		"text": map[string]any{"preview_url": false, "body": "Hello! We're open 08:00-17:00."},
	}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("request body = %v, want %v", body, want)
	}
}

func TestSendButtons(t *testing.T) {
	g := testkit.NewGraph(t)
	buttons := []conversation.Button{{ID: "handoff_yes", Title: "Yes, a person"}, {ID: "handoff_no", Title: "No, thanks"}}
	id, err := newClient(g).SendButtons(t.Context(), customer, "Shall I bring in a colleague?", buttons)
	if err != nil {
		t.Fatalf("SendButtons: %v", err)
	}
	sent := g.WaitForMessages(t, customer, 1, time.Second)
	m := sent[0]
	wantButtons := []testkit.GraphButton{{ID: "handoff_yes", Title: "Yes, a person"}, {ID: "handoff_no", Title: "No, thanks"}}
	if m.ID != id || m.Type != "interactive" || m.Text != "Shall I bring in a colleague?" || !reflect.DeepEqual(m.Buttons, wantButtons) {
		t.Errorf("fake recorded %+v", m)
	}
	var body struct {
		RecipientType string `json:"recipient_type"`
		Interactive   struct {
			Type   string `json:"type"`
			Action struct {
				Buttons []struct {
					Type string `json:"type"`
				} `json:"buttons"`
			} `json:"action"`
		} `json:"interactive"`
	}
	if err := json.Unmarshal(m.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.RecipientType != "individual" || body.Interactive.Type != "button" || body.Interactive.Action.Buttons[0].Type != "reply" {
		t.Errorf("request body = %s", m.Body)
	}
}

func TestMarkRead(t *testing.T) {
	g := testkit.NewGraph(t)
	c := newClient(g)
	if err := c.MarkRead(t.Context(), "wamid.IN1", true); err != nil {
		t.Fatalf("MarkRead with typing: %v", err)
	}
	if err := c.MarkRead(t.Context(), "wamid.IN2", false); err != nil {
		t.Fatalf("MarkRead: %v", err)
	}
	reads := g.Reads()
	if len(reads) != 2 || reads[0].MessageID != "wamid.IN1" || !reads[0].Typing || reads[1].MessageID != "wamid.IN2" || reads[1].Typing {
		t.Errorf("fake recorded reads %+v", reads)
	}
	if len(g.Messages("")) != 0 {
		t.Errorf("read receipts were recorded as messages")
	}
}

func TestLimitsAreRefusedBeforeSending(t *testing.T) {
	g := testkit.NewGraph(t)
	c := newClient(g)
	ok := []conversation.Button{{ID: "a", Title: "A"}}
	tests := []struct {
		name string
		send func() error
	}{
		{"empty text", func() error { _, err := c.SendText(t.Context(), customer, " \n"); return err }},
		{"text over 4096 characters", func() error {
			_, err := c.SendText(t.Context(), customer, strings.Repeat("é", conversation.MaxTextLength+1))
			return err
		}},
		{"no recipient", func() error { _, err := c.SendText(t.Context(), "", "hi"); return err }},
		{"no buttons", func() error { _, err := c.SendButtons(t.Context(), customer, "pick", nil); return err }},
		{"four buttons", func() error {
			_, err := c.SendButtons(t.Context(), customer, "pick", []conversation.Button{{ID: "1", Title: "1"}, {ID: "2", Title: "2"}, {ID: "3", Title: "3"}, {ID: "4", Title: "4"}})
			return err
		}},
		{"title over 20 characters", func() error {
			_, err := c.SendButtons(t.Context(), customer, "pick", []conversation.Button{{ID: "a", Title: strings.Repeat("ü", 21)}})
			return err
		}},
		{"empty title", func() error {
			_, err := c.SendButtons(t.Context(), customer, "pick", []conversation.Button{{ID: "a", Title: ""}})
			return err
		}},
		{"duplicate titles", func() error {
			_, err := c.SendButtons(t.Context(), customer, "pick", []conversation.Button{{ID: "a", Title: "Same"}, {ID: "b", Title: "Same"}})
			return err
		}},
		{"duplicate ids", func() error {
			_, err := c.SendButtons(t.Context(), customer, "pick", []conversation.Button{{ID: "a", Title: "One"}, {ID: "a", Title: "Two"}})
			return err
		}},
		{"id over 256 characters", func() error {
			_, err := c.SendButtons(t.Context(), customer, "pick", []conversation.Button{{ID: strings.Repeat("x", 257), Title: "A"}})
			return err
		}},
		{"empty id", func() error {
			_, err := c.SendButtons(t.Context(), customer, "pick", []conversation.Button{{ID: "", Title: "A"}})
			return err
		}},
		{"button body over 1024 characters", func() error {
			_, err := c.SendButtons(t.Context(), customer, strings.Repeat("b", whatsapp.MaxButtonBodyLength+1), ok)
			return err
		}},
		{"empty button body", func() error { _, err := c.SendButtons(t.Context(), customer, "", ok); return err }},
		{"read receipt without id", func() error { return c.MarkRead(t.Context(), "", false) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.send()
			if !errors.Is(err, whatsapp.ErrInvalidMessage) {
				t.Fatalf("error = %v, want ErrInvalidMessage", err)
			}
			if whatsapp.IsRetryable(err) {
				t.Errorf("IsRetryable(%v) = true, want false", err)
			}
		})
	}
	if n := g.Requests(); n != 0 {
		t.Errorf("the fake got %d requests, want none", n)
	}
}

func TestLimitsAtTheBoundaryAreSent(t *testing.T) {
	g := testkit.NewGraph(t)
	c := newClient(g)
	if _, err := c.SendText(t.Context(), customer, strings.Repeat("é", conversation.MaxTextLength)); err != nil {
		t.Errorf("4096-character text: %v", err)
	}
	buttons := []conversation.Button{
		{ID: strings.Repeat("i", whatsapp.MaxButtonIDLength), Title: strings.Repeat("ü", whatsapp.MaxButtonTitleLength)},
		{ID: "b", Title: "B"},
		{ID: "c", Title: "C"},
	}
	if _, err := c.SendButtons(t.Context(), customer, strings.Repeat("b", whatsapp.MaxButtonBodyLength), buttons); err != nil {
		t.Errorf("buttons at every limit: %v", err)
	}
	if got := len(g.Messages(customer)); got != 2 {
		t.Errorf("fake accepted %d messages, want 2", got)
	}
}

func TestGraphErrors(t *testing.T) {
	tests := []struct {
		status       int
		code         int
		retryable    bool
		windowClosed bool
	}{
		{400, 131047, false, true},
		{429, 130429, true, false},
		{400, 130429, true, false},
		{400, 131056, true, false},
		{400, 131048, true, false},
		{400, 131049, true, false},
		{500, 131000, true, false},
		{503, 131057, true, false},
		{500, 1, true, false},
		{503, 2, true, false},
		{400, 4, true, false},
		{400, 80007, true, false},
		{400, 131026, false, false},
		{400, 131051, false, false},
		{400, 131030, false, false},
		{400, 100, false, false},
		{401, 190, false, false},
		{403, 10, false, false},
		{403, 200, false, false},
		{403, 299, false, false},
		{400, 368, false, false},
		{400, 131031, false, false},
		{500, 999999, true, false},
		{400, 999999, false, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_%d", tt.status, tt.code), func(t *testing.T) {
			g := testkit.NewGraph(t)
			g.FailNext(1, tt.status, tt.code)
			_, err := newClient(g).SendText(t.Context(), customer, "hello")
			var apiErr *whatsapp.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v, want an *APIError", err)
			}
			if apiErr.HTTPStatus != tt.status || apiErr.Code != tt.code || apiErr.Type != "OAuthException" || apiErr.FBTraceID == "" || apiErr.Message == "" {
				t.Errorf("APIError = %+v", apiErr)
			}
			if got := whatsapp.IsRetryable(err); got != tt.retryable {
				t.Errorf("IsRetryable(%v) = %v, want %v", err, got, tt.retryable)
			}
			if got := whatsapp.IsWindowClosed(err); got != tt.windowClosed {
				t.Errorf("IsWindowClosed(%v) = %v, want %v", err, got, tt.windowClosed)
			}
			if !strings.HasPrefix(err.Error(), "send whatsapp text: ") || !strings.Contains(err.Error(), fmt.Sprint(tt.code)) {
				t.Errorf("error text %q lacks context or code", err)
			}
			// The failure was used up: the next send goes through.
			if _, err := newClient(g).SendText(t.Context(), customer, "hello again"); err != nil {
				t.Errorf("second send: %v", err)
			}
			if g.Requests() != 2 {
				t.Errorf("fake counted %d requests, want 2", g.Requests())
			}
		})
	}
}

func TestGraphErrorDetails(t *testing.T) {
	g := testkit.NewGraph(t)
	g.CloseWindow(customer)
	_, err := newClient(g).SendButtons(t.Context(), customer, "Talk to a person?", []conversation.Button{{ID: "handoff_yes", Title: "Yes"}})
	var apiErr *whatsapp.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want an *APIError", err)
	}
	if apiErr.Code != whatsapp.CodeWindowClosed || !strings.Contains(apiErr.Details, "24 hours") || !whatsapp.IsWindowClosed(err) {
		t.Errorf("APIError = %+v", apiErr)
	}
	// Only that customer's window is closed.
	if _, err := newClient(g).SendText(t.Context(), "27820000001", "hi"); err != nil {
		t.Errorf("send to another customer: %v", err)
	}
}

func TestNonJSONErrors(t *testing.T) {
	tests := []struct {
		status    int
		retryable bool
	}{
		{http.StatusBadGateway, true},
		{http.StatusServiceUnavailable, true},
		{http.StatusInternalServerError, true},
		{http.StatusTooManyRequests, true},
		{http.StatusBadRequest, false},
		{http.StatusForbidden, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			g := testkit.NewGraph(t)
			g.Fail(testkit.GraphFailure{Times: 1, Status: tt.status, HTML: true})
			_, err := newClient(g).SendText(t.Context(), customer, "hello")
			var apiErr *whatsapp.APIError
			if !errors.As(err, &apiErr) || apiErr.HTTPStatus != tt.status || apiErr.Code != 0 {
				t.Fatalf("error = %#v, want an *APIError with status %d and no code", err, tt.status)
			}
			if got := whatsapp.IsRetryable(err); got != tt.retryable {
				t.Errorf("IsRetryable(%v) = %v, want %v", err, got, tt.retryable)
			}
			if !strings.Contains(err.Error(), http.StatusText(tt.status)) {
				t.Errorf("error text %q does not name the status", err)
			}
		})
	}
}

func TestAccessTokenNeverInErrors(t *testing.T) {
	const token = "EAAG-super-secret-token-123"
	// The server echoes the Authorization header in its error, as a misbehaving proxy might; the phone
	// number ID in the path picks a JSON or an HTML body.
	echo := func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if strings.HasPrefix(r.URL.Path, "/json/") {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":{"message":"bad header %s","type":"OAuthException","code":100,"error_data":{"details":"%s"}}}`, auth, auth)
			return
		}
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprintf(w, "<html><body>upstream refused %s</body></html>", auth)
	}
	server := httptest.NewServer(http.HandlerFunc(echo))
	defer server.Close()
	for _, shape := range []string{"json", "html"} {
		_, err := whatsapp.NewClient(server.URL, shape, token, nil).SendText(t.Context(), customer, "hi")
		if err == nil {
			t.Fatalf("%s: SendText succeeded", shape)
		}
		if strings.Contains(err.Error(), token) || strings.Contains(fmt.Sprintf("%+v", err), token) {
			t.Errorf("%s: error text contains the access token: %v", shape, err)
		}
	}

	g := testkit.NewGraph(t)
	c := whatsapp.NewClient(g.URL(), g.PhoneNumberID(), token, nil)
	_, err := c.SendText(t.Context(), customer, "hi")
	var apiErr *whatsapp.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != whatsapp.CodeAccessToken || apiErr.HTTPStatus != http.StatusUnauthorized {
		t.Fatalf("wrong token: error = %v, want 401 with code 190", err)
	}
	if whatsapp.IsRetryable(err) || strings.Contains(err.Error(), token) {
		t.Errorf("wrong token: error %v is retryable or names the token", err)
	}
}

func TestTransportErrorsAreRetryable(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		server := httptest.NewServer(http.NotFoundHandler())
		url := server.URL
		server.Close()
		_, err := whatsapp.NewClient(url, "1", "token", nil).SendText(t.Context(), customer, "hi")
		if err == nil || !whatsapp.IsRetryable(err) {
			t.Errorf("error = %v, want a retryable error", err)
		}
	})
	t.Run("client timeout", func(t *testing.T) {
		g := testkit.NewGraph(t)
		g.SetLatency(time.Second)
		c := whatsapp.NewClient(g.URL(), g.PhoneNumberID(), g.AccessToken(), &http.Client{Timeout: 50 * time.Millisecond})
		_, err := c.SendText(t.Context(), customer, "hi")
		if err == nil || !whatsapp.IsRetryable(err) {
			t.Errorf("error = %v, want a retryable error", err)
		}
	})
	t.Run("context deadline", func(t *testing.T) {
		g := testkit.NewGraph(t)
		g.SetLatency(time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		err := newClient(g).MarkRead(ctx, "wamid.X", true)
		if err == nil || !whatsapp.IsRetryable(err) {
			t.Errorf("error = %v, want a retryable error", err)
		}
	})
	t.Run("context canceled", func(t *testing.T) {
		g := testkit.NewGraph(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := newClient(g).SendText(ctx, customer, "hi")
		if err == nil || whatsapp.IsRetryable(err) {
			t.Errorf("error = %v, want a non-retryable error", err)
		}
	})
}

func TestUnexpectedSuccessBodies(t *testing.T) {
	tests := map[string]string{
		"no message id":   `{"messaging_product":"whatsapp","contacts":[],"messages":[]}`,
		"not JSON":        `<html>ok</html>`,
		"success false":   `{"success":false}`,
		"empty id string": `{"messages":[{"id":""}]}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, body)
			}))
			defer server.Close()
			c := whatsapp.NewClient(server.URL, "1", "token", nil)
			_, sendErr := c.SendText(t.Context(), customer, "hi")
			readErr := c.MarkRead(t.Context(), "wamid.X", false)
			for _, err := range []error{sendErr, readErr} {
				// The message may have been accepted: sending it again could deliver it twice.
				if err == nil || whatsapp.IsRetryable(err) {
					t.Errorf("error = %v, want a non-retryable error", err)
				}
			}
		})
	}
}

func TestNewClientBuildsMessagesURL(t *testing.T) {
	var path string
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		fmt.Fprint(w, `{"success":true}`)
	}))
	defer server.Close()
	if err := whatsapp.NewClient(server.URL+"/v24.0/", "106540352242922", "t", nil).MarkRead(t.Context(), "wamid.X", false); err != nil {
		t.Fatal(err)
	}
	if path != "/v24.0/106540352242922/messages" {
		t.Errorf("path = %q, want /v24.0/106540352242922/messages", path)
	}
}

func TestRetryableClassification(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("something else"), false},
		{context.Canceled, false},
		{context.DeadlineExceeded, true},
		{fmt.Errorf("wrapped: %w", &whatsapp.APIError{HTTPStatus: 502}), true},
		{&whatsapp.APIError{HTTPStatus: 400, Code: 131047}, false},
		{&whatsapp.APIError{HTTPStatus: 401, Code: 0, Type: "OAuthException"}, false},
		{&whatsapp.APIError{HTTPStatus: 500, Code: 0, Type: "OAuthException"}, false},
		{&whatsapp.APIError{HTTPStatus: 500, Code: 131056}, true},
		{whatsapp.Error{Code: 131047}, false},
	}
	for _, tt := range tests {
		if got := whatsapp.IsRetryable(tt.err); got != tt.want {
			t.Errorf("IsRetryable(%#v) = %v, want %v", tt.err, got, tt.want)
		}
	}
	if whatsapp.IsWindowClosed(nil) || whatsapp.IsWindowClosed(errors.New("131047")) {
		t.Error("IsWindowClosed matched an error that is not 131047")
	}
	if !whatsapp.IsWindowClosed(fmt.Errorf("send: %w", &whatsapp.APIError{Code: 131047})) {
		t.Error("IsWindowClosed missed a wrapped 131047")
	}
}

func TestCallbackDataIsOnTheWire(t *testing.T) {
	g := testkit.NewGraph(t)
	c := newClient(g)
	ctx := whatsapp.WithCallbackData(t.Context(), "s1.3f9a0c")
	if _, err := c.SendText(ctx, customer, "We're open 08:00-17:00."); err != nil {
		t.Fatal(err)
	}
	buttons := []conversation.Button{{ID: "handoff_yes", Title: "Yes, a person"}}
	if _, err := c.SendButtons(ctx, customer, "Shall I bring in a colleague?", buttons); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendText(t.Context(), customer, "No tag on this one."); err != nil {
		t.Fatal(err)
	}
	sent := g.Messages(customer)
	if len(sent) != 3 {
		t.Fatalf("fake got %d messages, want 3", len(sent))
	}
	for i, want := range []string{"s1.3f9a0c", "s1.3f9a0c", ""} {
		var body map[string]any
		if err := json.Unmarshal(sent[i].Body, &body); err != nil {
			t.Fatal(err)
		}
		got, present := body["biz_opaque_callback_data"]
		if want == "" {
			if present {
				t.Errorf("message %d carries biz_opaque_callback_data %v, want none", i, got)
			}
			continue
		}
		if got != want || sent[i].CallbackData != want {
			t.Errorf("message %d: biz_opaque_callback_data = %v (fake read %q), want %q", i, got, sent[i].CallbackData, want)
		}
	}
}

func TestOverlongCallbackDataIsRefusedBeforeSending(t *testing.T) {
	g := testkit.NewGraph(t)
	ctx := whatsapp.WithCallbackData(t.Context(), strings.Repeat("x", whatsapp.MaxCallbackDataLength+1))
	_, err := newClient(g).SendText(ctx, customer, "hi")
	if !errors.Is(err, whatsapp.ErrInvalidMessage) || !whatsapp.IsRefused(err) {
		t.Errorf("error = %v, want ErrInvalidMessage", err)
	}
	if g.Requests() != 0 {
		t.Errorf("the fake got %d requests, want none", g.Requests())
	}
}

func TestIsRefused(t *testing.T) {
	g := testkit.NewGraph(t)
	g.FailNext(1, http.StatusBadRequest, whatsapp.CodeThroughput)
	_, throttled := newClient(g).SendText(t.Context(), customer, "hi")
	g.Fail(testkit.GraphFailure{Times: 1, Status: http.StatusBadGateway, HTML: true})
	_, proxy := newClient(g).SendText(t.Context(), customer, "hi")
	g.SetLatency(time.Second)
	_, timeout := whatsapp.NewClient(g.URL(), g.PhoneNumberID(), g.AccessToken(), &http.Client{Timeout: 50 * time.Millisecond}).
		SendText(t.Context(), customer, "hi")
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"graph error 130429", throttled, true},
		{"invalid message", fmt.Errorf("send: %w", whatsapp.ErrInvalidMessage), true},
		{"html 502 from a proxy", proxy, false},
		{"timeout", timeout, false},
	} {
		if got := whatsapp.IsRefused(c.err); got != c.want {
			t.Errorf("%s: IsRefused(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}
