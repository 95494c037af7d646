package slackapp

import (
	"context"
	"errors"
	"fmt"
	"github.com/supportd/supportd/workflows/conversation"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/supportd/supportd/internal/testkit"
)

const testChannel = "C0HANDOFFS"

func newTestClient(t *testing.T) (*Client, *testkit.SlackAPI) {
	t.Helper()
	fake := testkit.NewSlackAPI(t)
	c, err := New(Config{Token: fake.Token(), APIURL: fake.URL()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, fake
}

func TestNew(t *testing.T) {
	fake := testkit.NewSlackAPI(t)
	for _, cfg := range []Config{
		{Token: "", APIURL: fake.URL()},
		{Token: "xoxb-1", APIURL: "slack.com/api/"},
		{Token: "xoxb-1", APIURL: "ftp://slack.com/api/"},
		{Token: "xoxb-1", APIURL: "://"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted a bad configuration", cfg)
		}
	}
	// The trailing slash slack-go needs is added when missing.
	c, err := New(Config{Token: fake.Token(), APIURL: strings.TrimSuffix(fake.URL(), "/")})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := c.PostThread(context.Background(), testChannel, "1.1", "hi"); err != nil {
		t.Errorf("post through an API URL without trailing slash: %v", err)
	}
}

func TestClientPostAndUpdateCard(t *testing.T) {
	c, fake := newTestClient(t)
	ctx := context.Background()

	card := testCard()
	card.Name = hostile
	ts, err := c.PostCard(ctx, testChannel, testCardID, card)
	if err != nil {
		t.Fatalf("PostCard: %v", err)
	}
	if ts == "" {
		t.Fatal("PostCard returned no ts")
	}
	calls := fake.WaitForCalls(t, "chat.postMessage", 1, time.Second)
	post := calls[0]
	if post.Channel != testChannel || post.TS != ts || post.ThreadTS != "" {
		t.Errorf("post = channel %q ts %q thread %q", post.Channel, post.TS, post.ThreadTS)
	}
	if post.Form.Get("unfurl_links") != "false" || post.Form.Get("unfurl_media") != "false" {
		t.Errorf("card posted with unfurling: %v", post.Form)
	}
	if strings.Contains(post.Text, "<!channel>") || strings.Contains(strings.Join(post.BlockTexts(), "\n"), "<!channel>") {
		t.Errorf("card reached Slack with an active <!channel>: %q", post.Text)
	}
	buttons := post.Buttons()
	if len(buttons) != 2 || buttons[0].ActionID != ActionTake || buttons[1].ActionID != ActionReturn || buttons[0].Value != testPhone {
		t.Errorf("posted buttons = %+v", buttons)
	}

	setStage(&card, "taken", "UAGENT1", "")
	card.ChangedAt = testTime
	if err := c.UpdateCard(ctx, testChannel, ts, card); err != nil {
		t.Fatalf("UpdateCard: %v", err)
	}
	setStage(&card, "returned", "UAGENT1", "UAGENT1")
	if err := c.UpdateCard(ctx, testChannel, ts, card); err != nil {
		t.Fatalf("UpdateCard: %v", err)
	}
	m, ok := fake.Message(testChannel, ts)
	if !ok {
		t.Fatal("card not found in the fake")
	}
	if m.Updates != 2 || len(m.Buttons()) != 0 || !strings.Contains(strings.Join(m.BlockTexts(), "\n"), "Returned to the bot by <@UAGENT1>") {
		t.Errorf("card after two updates = %+v", m)
	}

	if err := c.UpdateCard(ctx, testChannel, "999.000", card); err == nil || IsRetryable(err) {
		t.Errorf("update of an unknown message: err %v, retryable %v", err, IsRetryable(err))
	}
	if err := c.UpdateCard(ctx, testChannel, "", card); err == nil {
		t.Error("update without ts succeeded")
	}
}

func TestClientLongCardIsAccepted(t *testing.T) {
	c, fake := newTestClient(t)
	card := testCard()
	card.Summary = strings.Repeat("&<>", 1000)
	card.Transcript = nil
	for i := range 500 {
		card.Transcript = append(card.Transcript, conversation.Line{From: "customer", Text: fmt.Sprintf("%d %s", i, strings.Repeat("我的包裹&😡", 80)), At: testTime})
	}
	if _, err := c.PostCard(context.Background(), testChannel, testCardID, card); err != nil {
		t.Fatalf("the fake refused a long card: %v", err)
	}
	text := strings.Join(fake.WaitForCalls(t, "chat.postMessage", 1, time.Second)[0].BlockTexts(), "\n")
	if !strings.Contains(text, "earlier messages: <"+testLink+"|see the full conversation>") {
		t.Errorf("long card lacks the link to the earlier messages")
	}
}

func TestClientThreadAndPrompt(t *testing.T) {
	c, fake := newTestClient(t)
	ctx := context.Background()
	root, err := c.PostCard(ctx, testChannel, testCardID, testCard())
	if err != nil {
		t.Fatalf("PostCard: %v", err)
	}
	for i := range 3 {
		if _, err := c.PostThread(ctx, testChannel, root, CustomerText(fmt.Sprintf("message %d <!here>", i))); err != nil {
			t.Fatalf("PostThread: %v", err)
		}
	}
	promptTS, err := c.PostPrompt(ctx, testChannel, root, Prompt{Phone: testPhone, Assignee: "UAGENT1", Idle: 30 * time.Minute})
	if err != nil {
		t.Fatalf("PostPrompt: %v", err)
	}
	replies := fake.WaitForReplies(t, testChannel, root, 4, time.Second)
	for i := range 3 {
		want := fmt.Sprintf("*Customer:* message %d &lt;!here&gt;", i)
		if replies[i].Text != want {
			t.Errorf("reply %d = %q, want %q", i, replies[i].Text, want)
		}
	}
	if b := replies[3].Buttons(); len(b) != 2 || b[0].ActionID != ActionReturn || b[1].ActionID != ActionKeep {
		t.Errorf("prompt buttons = %+v", b)
	}
	if err := c.UpdatePrompt(ctx, testChannel, promptTS, Prompt{Phone: testPhone, Outcome: PromptKept, By: "UAGENT1"}); err != nil {
		t.Fatalf("UpdatePrompt: %v", err)
	}
	if m, _ := fake.Message(testChannel, promptTS); len(m.Buttons()) != 0 || m.ThreadTS != root {
		t.Errorf("answered prompt = %+v", m)
	}
	if _, err := c.PostThread(ctx, testChannel, "", "x"); err == nil {
		t.Error("PostThread without a thread posted to the channel")
	}
	if _, err := c.PostPrompt(ctx, testChannel, "", Prompt{}); err == nil {
		t.Error("PostPrompt without a thread posted to the channel")
	}
}

func TestClientPostEphemeral(t *testing.T) {
	c, fake := newTestClient(t)
	if err := c.PostEphemeral(context.Background(), testChannel, "UAGENT2", AlreadyTakenText("UAGENT1"), "1700000001.000100"); err != nil {
		t.Fatalf("PostEphemeral: %v", err)
	}
	call := fake.WaitForCalls(t, "chat.postEphemeral", 1, time.Second)[0]
	if call.User != "UAGENT2" || call.Channel != testChannel || call.ThreadTS != "1700000001.000100" || !strings.Contains(call.Text, "<@UAGENT1> already has") {
		t.Errorf("ephemeral call = %+v", call)
	}
}

func TestClientUserName(t *testing.T) {
	c, fake := newTestClient(t)
	fake.AddUser("UAGENT1", "Alice")
	ctx := context.Background()
	for range 3 {
		name, err := c.UserName(ctx, "UAGENT1")
		if err != nil || name != "Alice" {
			t.Fatalf("UserName = %q, %v", name, err)
		}
	}
	if n := len(fake.Calls("users.info")); n != 1 {
		t.Errorf("users.info called %d times, want 1 (cached)", n)
	}
	if _, err := c.UserName(ctx, "UNOBODY"); err == nil || IsRetryable(err) {
		t.Errorf("unknown user: err %v, retryable %v", err, IsRetryable(err))
	}
	if got := c.PlainText(ctx, "<@UAGENT1> and <@UNOBODY>: see <https://x.example/a?b=1&amp;c=2|the page>"); got != "@Alice and @UNOBODY: see the page (https://x.example/a?b=1&c=2)" {
		t.Errorf("PlainText = %q", got)
	}
}

func TestClientUserNameConcurrent(t *testing.T) {
	c, fake := newTestClient(t)
	fake.AddUser("UAGENT1", "Alice")
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if name, err := c.UserName(context.Background(), "UAGENT1"); err != nil || name != "Alice" {
				t.Errorf("UserName = %q, %v", name, err)
			}
		})
	}
	wg.Wait()
}

func TestClientErrors(t *testing.T) {
	tests := []struct {
		name       string
		failure    testkit.SlackFailure
		retryable  bool
		retryAfter time.Duration // 0: none reported
	}{
		{"rate limited with Retry-After", testkit.SlackRateLimited(7), true, 7 * time.Second},
		{"rate limited without Retry-After", testkit.SlackRateLimited(0), true, 0},
		{"server error", testkit.SlackServerError(), true, 0},
		{"bad gateway", testkit.SlackFailure{Status: http.StatusBadGateway}, true, 0},
		{"ratelimited code", testkit.SlackAPIError("ratelimited"), true, 0},
		{"internal_error", testkit.SlackAPIError("internal_error"), true, 0},
		{"fatal_error", testkit.SlackAPIError("fatal_error"), true, 0},
		{"service_unavailable", testkit.SlackAPIError("service_unavailable"), true, 0},
		{"request_timeout", testkit.SlackAPIError("request_timeout"), true, 0},
		{"channel_not_found", testkit.SlackAPIError("channel_not_found"), false, 0},
		{"not_in_channel", testkit.SlackAPIError("not_in_channel"), false, 0},
		{"is_archived", testkit.SlackAPIError("is_archived"), false, 0},
		{"token_revoked", testkit.SlackAPIError("token_revoked"), false, 0},
		{"msg_too_long", testkit.SlackAPIError("msg_too_long"), false, 0},
		{"invalid_blocks", testkit.SlackAPIError("invalid_blocks"), false, 0},
		{"bad request", testkit.SlackFailure{Status: http.StatusBadRequest, Error: "invalid_arguments"}, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newTestClient(t)
			fake.FailNext(1, tc.failure)
			_, err := c.PostCard(context.Background(), testChannel, testCardID, testCard())
			if err == nil {
				t.Fatal("PostCard succeeded against a failing Slack")
			}
			if got := IsRetryable(err); got != tc.retryable {
				t.Errorf("IsRetryable(%v) = %v, want %v", err, got, tc.retryable)
			}
			d, ok := RetryAfter(err)
			if ok != (tc.retryAfter > 0) || d != tc.retryAfter {
				t.Errorf("RetryAfter(%v) = %v, %v; want %v", err, d, ok, tc.retryAfter)
			}
			if strings.Contains(err.Error(), fake.Token()) {
				t.Errorf("error text holds the token: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "post handoff card: ") {
				t.Errorf("error lacks context: %v", err)
			}
			// The next call lands: the failure was for one call only.
			if _, err := c.PostCard(context.Background(), testChannel, testCardID, testCard()); err != nil {
				t.Errorf("PostCard after the failure: %v", err)
			}
		})
	}
}

func TestClientBadToken(t *testing.T) {
	fake := testkit.NewSlackAPI(t)
	const wrong = "xoxb-0000000000-wrongtokenvalue"
	c, err := New(Config{Token: wrong, APIURL: fake.URL()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = c.PostCard(context.Background(), testChannel, testCardID, testCard())
	if err == nil || IsRetryable(err) {
		t.Fatalf("bad token: err %v, retryable %v", err, IsRetryable(err))
	}
	var apiErr slack.SlackErrorResponse
	if !errors.As(err, &apiErr) || apiErr.Err != "invalid_auth" {
		t.Errorf("bad token error = %#v", err)
	}
	if strings.Contains(err.Error(), wrong) {
		t.Errorf("error text holds the token: %v", err)
	}
}

func TestClientNetworkErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	c, err := New(Config{Token: "xoxb-1-2-secret", APIURL: closed.URL + "/api/"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = c.PostCard(context.Background(), testChannel, testCardID, testCard())
	if err == nil || !IsRetryable(err) {
		t.Errorf("connection refused: err %v, retryable %v", err, IsRetryable(err))
	}
	if strings.Contains(err.Error(), "xoxb-1-2-secret") {
		t.Errorf("error text holds the token: %v", err)
	}

	// A Slack that hangs: the caller's deadline is retryable, the caller's cancellation is not.
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) }) // runs first: cleanups run last-registered first
	c, err = New(Config{Token: "xoxb-1-2-secret", APIURL: hang.URL + "/api/"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.PostCard(ctx, testChannel, testCardID, testCard()); err == nil || !IsRetryable(err) {
		t.Errorf("deadline: err %v, retryable %v", err, IsRetryable(err))
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := c.PostCard(ctx, testChannel, testCardID, testCard()); err == nil || IsRetryable(err) {
		t.Errorf("cancelled: err %v, retryable %v", err, IsRetryable(err))
	}
}

func TestIsRetryableAndRetryAfter(t *testing.T) {
	tests := []struct {
		err       error
		retryable bool
	}{
		{nil, false},
		{errors.New("something"), false},
		{&slack.RateLimitedError{RetryAfter: time.Second}, true},
		{fmt.Errorf("wrapped: %w", &slack.RateLimitedError{RetryAfter: time.Second}), true},
		{slack.StatusCodeError{Code: 503}, true},
		{slack.StatusCodeError{Code: 429}, true},
		{slack.StatusCodeError{Code: 408}, true},
		{slack.StatusCodeError{Code: 404}, false},
		{slack.StatusCodeError{Code: 401}, false},
		{slack.SlackErrorResponse{Err: "ratelimited"}, true},
		{slack.SlackErrorResponse{Err: "channel_not_found"}, false},
		{&url.Error{Op: "Post", URL: "http://x/", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}, true},
		{context.DeadlineExceeded, true},
		{context.Canceled, false},
		{&url.Error{Op: "Post", URL: "http://x/", Err: context.Canceled}, false},
	}
	for _, tc := range tests {
		if got := IsRetryable(tc.err); got != tc.retryable {
			t.Errorf("IsRetryable(%#v) = %v, want %v", tc.err, got, tc.retryable)
		}
	}
	if d, ok := RetryAfter(fmt.Errorf("x: %w", &slack.RateLimitedError{RetryAfter: 3 * time.Second})); !ok || d != 3*time.Second {
		t.Errorf("RetryAfter = %v, %v", d, ok)
	}
	if _, ok := RetryAfter(slack.StatusCodeError{Code: 429}); ok {
		t.Error("RetryAfter reported a wait for a 429 without Retry-After")
	}
}

func TestRedactKeepsTokenOutOfErrors(t *testing.T) {
	c := &Client{token: "xoxb-123-456-abcdef"}
	inner := slack.StatusCodeError{Code: 500, Status: "500 token=xoxb-123-456-abcdef"}
	err := c.redact(fmt.Errorf("call: %w", inner))
	if strings.Contains(err.Error(), "xoxb-123-456-abcdef") {
		t.Errorf("redacted error = %q", err)
	}
	if !IsRetryable(err) {
		t.Error("redaction broke the error chain")
	}
	if plain := errors.New("no secret here"); c.redact(plain) != plain {
		t.Error("redact changed an error without the token")
	}
}
