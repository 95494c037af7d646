package testkit

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func slackClient(s *SlackAPI, token string) *slack.Client {
	return slack.New(token, slack.OptionAPIURL(s.URL()))
}

func slackErrorCode(err error) string {
	var e slack.SlackErrorResponse
	if errors.As(err, &e) {
		return e.Err
	}
	return ""
}

func TestSlackAPIPostUpdateReplies(t *testing.T) {
	s := NewSlackAPI(t)
	api := slackClient(s, s.Token())
	ctx := context.Background()
	_, root, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("card", false),
		slack.MsgOptionBlocks(slack.NewActionBlock("handoff:1", slack.NewButtonBlockElement("handoff_take", "1", slack.NewTextBlockObject("plain_text", "Take over", false, false)))))
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	var replies []string
	for _, text := range []string{"one", "two", "three"} {
		_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText(text, false), slack.MsgOptionTS(root))
		if err != nil {
			t.Fatalf("reply: %v", err)
		}
		if ts <= root || (len(replies) > 0 && ts <= replies[len(replies)-1]) {
			t.Errorf("ts %s does not increase", ts)
		}
		replies = append(replies, ts)
	}
	got := s.WaitForReplies(t, "C1", root, 3, time.Second)
	if got[0].Text != "one" || got[2].Text != "three" || got[1].ThreadTS != root {
		t.Errorf("replies = %+v", got)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", root, slack.MsgOptionText("updated", false), slack.MsgOptionBlocks()); err != nil {
		t.Fatalf("update: %v", err)
	}
	m, ok := s.Message("C1", root)
	if !ok || m.Text != "updated" || m.Updates != 1 || len(m.Buttons()) != 0 {
		t.Errorf("updated message = %+v", m)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", "1.1", slack.MsgOptionText("x", false)); slackErrorCode(err) != "message_not_found" {
		t.Errorf("update of an unknown ts: %v", err)
	}
	if _, err := api.PostEphemeralContext(ctx, "C1", "U2", slack.MsgOptionText("only you", false)); err != nil {
		t.Errorf("ephemeral: %v", err)
	}
	if calls := s.Calls("chat.postEphemeral"); len(calls) != 1 || calls[0].User != "U2" || calls[0].Form.Get("token") != "" {
		t.Errorf("ephemeral calls = %+v", calls)
	}
}

func TestSlackAPIAuthAndUsers(t *testing.T) {
	s := NewSlackAPI(t)
	ctx := context.Background()
	if _, _, err := slackClient(s, "xoxb-wrong").PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); slackErrorCode(err) != "invalid_auth" {
		t.Errorf("wrong token: %v", err)
	}
	if _, _, err := slackClient(s, "").PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); slackErrorCode(err) != "not_authed" {
		t.Errorf("no token: %v", err)
	}
	api := slackClient(s, s.Token())
	if _, err := api.GetUserInfoContext(ctx, "U1"); slackErrorCode(err) != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}
	s.AddUser("U1", "Alice")
	u, err := api.GetUserInfoContext(ctx, "U1")
	if err != nil || u.Profile.DisplayName != "Alice" || u.Name != "Alice" {
		t.Errorf("users.info = %+v, %v", u, err)
	}
}

func TestSlackAPIEnforcesLimits(t *testing.T) {
	s := NewSlackAPI(t)
	api := slackClient(s, s.Token())
	section := func(n int) slack.Block {
		return slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", strings.Repeat("a", n), false, false), nil, nil)
	}
	many := func(n, size int) []slack.Block {
		var blocks []slack.Block
		for range n {
			blocks = append(blocks, section(size))
		}
		return blocks
	}
	button := func(style slack.Style) slack.Block {
		return slack.NewActionBlock("a", slack.NewButtonBlockElement("x", "v", slack.NewTextBlockObject("plain_text", "X", false, false)).WithStyle(style))
	}
	tests := []struct {
		name   string
		opts   []slack.MsgOption
		code   string
		method string
	}{
		{"fine", []slack.MsgOption{slack.MsgOptionBlocks(section(3000))}, "", ""},
		{"section too long", []slack.MsgOption{slack.MsgOptionBlocks(section(3001))}, "invalid_blocks", ""},
		{"51 blocks", []slack.MsgOption{slack.MsgOptionBlocks(many(51, 10)...)}, "invalid_blocks", ""},
		{"blocks too long", []slack.MsgOption{slack.MsgOptionBlocks(many(5, 2900)...)}, "msg_blocks_too_long", ""},
		{"bad button style", []slack.MsgOption{slack.MsgOptionBlocks(button("green"))}, "invalid_blocks", ""},
		{"primary button", []slack.MsgOption{slack.MsgOptionBlocks(button(slack.StylePrimary))}, "", ""},
		{"duplicate block_id", []slack.MsgOption{slack.MsgOptionBlocks(button(""), button(""))}, "invalid_blocks", ""},
		{"no text", []slack.MsgOption{slack.MsgOptionText("", false)}, "no_text", ""},
		{"text too long", []slack.MsgOption{slack.MsgOptionText(strings.Repeat("a", 40001), false)}, "msg_too_long", ""},
	}
	for _, tc := range tests {
		_, _, err := api.PostMessageContext(context.Background(), "C1", tc.opts...)
		if got := slackErrorCode(err); got != tc.code {
			t.Errorf("%s: error %q (%v), want %q", tc.name, got, err, tc.code)
		}
	}
	if _, _, err := api.PostMessageContext(context.Background(), "", slack.MsgOptionText("x", false)); slackErrorCode(err) != "channel_not_found" {
		t.Errorf("no channel: %v", err)
	}
}

func TestSlackAPIFailures(t *testing.T) {
	s := NewSlackAPI(t)
	api := slackClient(s, s.Token())
	ctx := context.Background()
	post := func() error {
		_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
		return err
	}

	s.FailNext(1, SlackRateLimited(3))
	var rateLimited *slack.RateLimitedError
	if err := post(); !errors.As(err, &rateLimited) || rateLimited.RetryAfter != 3*time.Second {
		t.Errorf("rate limited: %#v", err)
	}
	s.FailNext(1, SlackRateLimited(0))
	var status slack.StatusCodeError
	if err := post(); !errors.As(err, &status) || status.Code != http.StatusTooManyRequests {
		t.Errorf("rate limited without Retry-After: %#v", err)
	}
	s.FailNext(2, SlackServerError())
	for range 2 {
		if err := post(); !errors.As(err, &status) || status.Code != http.StatusInternalServerError {
			t.Errorf("server error: %#v", err)
		}
	}
	s.FailNext(1, SlackFailure{Method: "chat.update", Error: "cant_update_message"})
	s.FailNext(1, SlackAPIError("channel_not_found"))
	if err := post(); slackErrorCode(err) != "channel_not_found" {
		t.Errorf("api error: %v", err)
	}
	if err := post(); err != nil {
		t.Errorf("after the failures: %v", err)
	}
	s.Fail(SlackFailure{Method: "chat.postMessage", Error: "is_archived"})
	for range 3 {
		if err := post(); slackErrorCode(err) != "is_archived" {
			t.Errorf("standing failure: %v", err)
		}
	}
	s.ClearFailures()
	if err := post(); err != nil {
		t.Errorf("after ClearFailures: %v", err)
	}
	if all, ok := len(s.Calls("chat.postMessage")), len(s.WaitForCalls(t, "chat.postMessage", 2, time.Second)); all != 10 || ok != 2 {
		t.Errorf("%d calls recorded, %d accepted; want 10 and 2", all, ok)
	}
}

func TestSlackAPIConcurrentAndWait(t *testing.T) {
	s := NewSlackAPI(t)
	api := slackClient(s, s.Token())
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, _, err := api.PostMessageContext(context.Background(), "C1", slack.MsgOptionText("x", false), slack.MsgOptionTS("1700000000.000100")); err != nil {
				t.Errorf("post: %v", err)
			}
		})
	}
	calls := s.WaitForCalls(t, "chat.postMessage", 20, 5*time.Second)
	wg.Wait()
	seen := map[string]bool{}
	for _, c := range calls {
		if seen[c.TS] {
			t.Errorf("ts %s given twice", c.TS)
		}
		seen[c.TS] = true
	}
}
