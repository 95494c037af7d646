package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/slackapp"
	"github.com/supportd/supportd/store"
	"github.com/supportd/supportd/workflows/conversation"
)

// The Slack tests drive the real worker and gateway through the fake Slack Web API (form-encoded, token field,
// ok/error answers, 429 with Retry-After) and signed interaction and event requests carrying the current time.

const (
	slackWait     = 30 * time.Second // generous: a 2-core machine running Temporal, Redis and the stack
	slackOther    = "COTHERCHAN"
	slackPublic   = "https://support.example.test/base"
	refundRequest = "I want a refund for order 5544"
)

// Agents, with Slack-shaped user IDs (a mention <@U…> needs one).
const (
	alice   = "U01ALICE"
	bongani = "U02BONGANI"
	chen    = "U03CHEN"
)

// Tokens that would notify people if a customer's text reached Slack unescaped.
var slackForbidden = []string{"<!channel>", "<!here>", "<@U123>"}

// sayAs sends one text message from a customer with the given WhatsApp profile name.
func (s *stack) sayAs(phone, name, text string) {
	s.t.Helper()
	m := s.hook.Text(phone, text)
	m.Name = name
	if code := s.post(s.hook.Body(m)); code != http.StatusOK {
		s.t.Fatalf("webhook answered %d", code)
	}
}

// slackHandoff hands a new conversation to people and returns the phone and the card as posted.
func (s *stack) slackHandoff() (string, testkit.SlackCall) {
	s.t.Helper()
	phone := newPhone()
	s.say(phone, refundRequest)
	s.waitStatus(phone, conversation.StatusHandoff)
	return phone, s.waitCard(phone)
}

// cardsOf returns the accepted top-level chat.postMessages whose buttons carry phone: the handoff cards.
func (s *stack) cardsOf(phone string) []testkit.SlackCall {
	var out []testkit.SlackCall
	for _, c := range s.slack.Calls("chat.postMessage") {
		if c.OK() && c.ThreadTS == "" && buttonsCarry(c.Buttons(), phone) {
			out = append(out, c)
		}
	}
	return out
}

// waitSlack polls cond until it holds; after slackWait it fails the test with what, followed by every Slack call
// made so far (read at the time of the failure).
func (s *stack) waitSlack(cond func() bool, what string) {
	s.t.Helper()
	if testkit.Poll(slackWait, cond) {
		return
	}
	s.t.Fatalf("timed out after %v waiting for %s; slack calls: %s", slackWait, what, slackCallsText(s.slack.Calls("")))
}

func (s *stack) waitCard(phone string) testkit.SlackCall {
	s.t.Helper()
	var card testkit.SlackCall
	s.waitSlack(func() bool {
		cards := s.cardsOf(phone)
		if len(cards) > 0 {
			card = cards[0]
		}
		return len(cards) > 0
	}, "the handoff card of "+phone)
	// The card is indexed right after Slack answers; agents' replies in its thread are only routed after that.
	threads := store.New(s.rdb)
	eventually(s.t, slackWait, func() bool {
		p, err := threads.ThreadPhone(context.Background(), card.Channel, card.TS)
		return err == nil && p == phone
	}, "the thread %s indexed to %s", card.TS, phone)
	return card
}

// prompts returns the confirmation prompts posted in the card's thread, oldest first.
func (s *stack) prompts(cardTS string) []testkit.SlackCall {
	var out []testkit.SlackCall
	for _, c := range s.slack.Calls("chat.postMessage") {
		if c.OK() && c.ThreadTS == cardTS && hasAction(c.Buttons(), slackapp.ActionKeep) {
			out = append(out, c)
		}
	}
	return out
}

// waitPrompt waits for the n-th (1-based) confirmation prompt in the card's thread.
func (s *stack) waitPrompt(cardTS string, n int) testkit.SlackCall {
	s.t.Helper()
	var p []testkit.SlackCall
	s.waitSlack(func() bool {
		p = s.prompts(cardTS)
		return len(p) >= n
	}, fmt.Sprintf("confirmation prompt %d in thread %s", n, cardTS))
	return p[n-1]
}

// updatesOf returns the accepted chat.update calls on the message at ts.
func (s *stack) updatesOf(ts string) []testkit.SlackCall {
	var out []testkit.SlackCall
	for _, c := range s.slack.Calls("chat.update") {
		if c.OK() && c.TS == ts {
			out = append(out, c)
		}
	}
	return out
}

// waitUpdate waits for a chat.update of the message at ts whose text or blocks satisfy ok, and returns it.
func (s *stack) waitUpdate(ts, what string, ok func(testkit.SlackCall) bool) testkit.SlackCall {
	s.t.Helper()
	var found testkit.SlackCall
	s.waitSlack(func() bool {
		for _, c := range s.updatesOf(ts) {
			if ok(c) {
				found = c
				return true
			}
		}
		return false
	}, "chat.update of "+ts+": "+what)
	return found
}

// ephemerals returns the accepted chat.postEphemeral calls to user.
func (s *stack) ephemerals(user string) []testkit.SlackCall {
	var out []testkit.SlackCall
	for _, c := range s.slack.Calls("chat.postEphemeral") {
		if c.OK() && c.User == user {
			out = append(out, c)
		}
	}
	return out
}

// threadEphemerals returns the accepted chat.postEphemeral calls to user in the thread of threadTS.
func (s *stack) threadEphemerals(user, threadTS string) []testkit.SlackCall {
	var out []testkit.SlackCall
	for _, c := range s.ephemerals(user) {
		if c.ThreadTS == threadTS {
			out = append(out, c)
		}
	}
	return out
}

func (s *stack) waitEphemeral(user string, n int) []testkit.SlackCall {
	s.t.Helper()
	var got []testkit.SlackCall
	s.waitSlack(func() bool {
		got = s.ephemerals(user)
		return len(got) >= n
	}, fmt.Sprintf("%d ephemeral messages to %s", n, user))
	return got
}

// press posts a signed button press and returns the gateway's status.
func (s *stack) press(p testkit.SlackInteraction) int {
	s.t.Helper()
	if p.ChannelID == "" {
		p.ChannelID = slackChannel
	}
	code, body := testkit.PostSlack(s.t, testkit.SlackInteractionRequest(s.srv.URL+"/webhooks/slack/interactions", slackSecret, p))
	if code != http.StatusOK {
		s.t.Logf("interaction answered %d %s", code, body)
	}
	return code
}

// take presses Take over on the card as user.
func (s *stack) take(user, phone string, card testkit.SlackCall) int {
	s.t.Helper()
	return s.press(testkit.SlackInteraction{UserID: user, MessageTS: card.TS, ActionID: slackapp.ActionTake, Value: phone})
}

// slackEvent delivers a signed Events API message event (retry > 0 marks a retry) and returns the status.
func (s *stack) slackEvent(ev testkit.SlackMessageEvent, retry int) int {
	s.t.Helper()
	code, err := s.slackEventAsync(ev, retry)
	if err != nil {
		s.t.Fatal(err)
	}
	return code
}

// slackEventAsync is slackEvent for any goroutine: it reports a transport error instead of failing the test.
// The event goes to the support channel unless it names another.
func (s *stack) slackEventAsync(ev testkit.SlackMessageEvent, retry int) (int, error) {
	if ev.Channel == "" {
		ev.Channel = slackChannel
	}
	resp, err := http.DefaultClient.Do(testkit.SlackEventRequest(s.srv.URL+"/webhooks/slack/events", slackSecret, ev.Body(), retry))
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// quietTexts checks, once the conversation has settled, that the customer has received exactly the texts want,
// in order.
func (s *stack) quietTexts(phone string, want []string) {
	s.t.Helper()
	s.settle(phone, "")
	if got := graphTexts(s.graph.Messages(phone)); strings.Join(got, "\x00") != strings.Join(want, "\x00") {
		s.t.Fatalf("customer %s received %d messages %q\nwant %d: %q", phone, len(got), got, len(want), want)
	}
}

// assertNoMentions fails when any Slack call's text or blocks carry a customer-made mention unescaped.
func (s *stack) assertNoMentions() {
	s.t.Helper()
	for _, c := range s.slack.Calls("") {
		texts := append([]string{c.Text}, jsonStrings(c.Blocks)...)
		for _, text := range texts {
			for _, bad := range slackForbidden {
				if strings.Contains(text, bad) {
					s.t.Errorf("%s ts=%s carries %s unescaped: %q", c.Method, c.TS, bad, text)
				}
			}
		}
	}
}

func buttonsCarry(buttons []testkit.SlackButton, value string) bool {
	for _, b := range buttons {
		if b.Value == value {
			return true
		}
	}
	return false
}

func hasAction(buttons []testkit.SlackButton, actionID string) bool {
	for _, b := range buttons {
		if b.ActionID == actionID {
			return true
		}
	}
	return false
}

// blockText joins every string of the blocks (decoded, so "\u003c" reads "<").
func blockText(raw json.RawMessage) string { return strings.Join(jsonStrings(raw), "\n") }

// jsonStrings returns every string value anywhere in a JSON document, decoded.
func jsonStrings(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return []string{string(raw)}
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

func slackCallsText(calls []testkit.SlackCall) string {
	parts := make([]string, 0, len(calls))
	for _, c := range calls {
		parts = append(parts, c.Method+" ts="+c.TS+" thread="+c.ThreadTS+" user="+c.User+" status="+http.StatusText(c.Status)+" "+c.Error+" "+shorten(c.Text, 100))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func graphTexts(msgs []testkit.GraphMessage) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Text
	}
	return out
}

// mrkdwnLinks matches the mrkdwn links of a message: <url|label>.
var mrkdwnLinks = regexp.MustCompile(`<(https?://[^|>]+)\|[^>]*>`)

func TestSlackCardContentAndEscaping(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack(), withEnv("PUBLIC_URL", slackPublic))
	phone := newPhone()
	const name = "<!channel> & <@U123>"
	s.sayAs(phone, name, "I want a refund <!here>")

	notice := s.graph.WaitForMessages(t, phone, 1, slackWait)[0]
	c := s.waitStatus(phone, conversation.StatusHandoff)
	if c.HandoffReason != handoff.ReasonRefund {
		t.Fatalf("reason %q, want %q", c.HandoffReason, handoff.ReasonRefund)
	}
	card := s.waitCard(phone)
	if card.Channel != slackChannel {
		t.Fatalf("card posted to %q, want %q", card.Channel, slackChannel)
	}
	c = s.conversation(phone)
	if c.Summary == "" {
		t.Fatal("no summary when the card was posted")
	}

	blocks := blockText(card.Blocks)
	all := card.Text + "\n" + blocks
	for what, want := range map[string]string{
		"the escaped name":       "&lt;!channel&gt; &amp; &lt;@U123&gt;",
		"the full number":        "+" + phone,
		"the reason":             handoff.ReasonRefund.Label(),
		"the summary":            slackapp.Escape(strings.TrimSpace(c.Summary)),
		"the customer's message": "I want a refund &lt;!here&gt;",
		// Only the transcript carries the bot's handoff notice.
		"the transcript's bot line": slackapp.Escape(notice.Text),
	} {
		if !strings.Contains(blocks, want) {
			t.Errorf("card blocks lack %s %q:\n%s", what, want, blocks)
		}
	}
	if !strings.Contains(card.Text, "&lt;!channel&gt; &amp; &lt;@U123&gt;") || !strings.Contains(card.Text, "+"+phone) {
		t.Errorf("card fallback text lacks the escaped name or the number: %q", card.Text)
	}
	var linked bool
	for _, m := range mrkdwnLinks.FindAllStringSubmatch(blocks, -1) {
		if strings.HasPrefix(m[1], slackPublic+"/") && strings.Contains(m[1], phone) {
			linked = true
		}
	}
	if !linked {
		t.Errorf("no link under %s to the conversation in the card:\n%s", slackPublic, blocks)
	}
	buttons := card.Buttons()
	for _, action := range []string{slackapp.ActionTake, slackapp.ActionReturn} {
		var found bool
		for _, b := range buttons {
			if b.ActionID == action {
				found = true
				if b.Value != phone {
					t.Errorf("button %s carries %q, want the wa_id %q", action, b.Value, phone)
				}
			}
		}
		if !found {
			t.Errorf("card has no %s button: %+v", action, buttons)
		}
	}
	for _, bad := range slackForbidden {
		if strings.Contains(all, bad) {
			t.Errorf("card carries %s unescaped", bad)
		}
	}

	// Customer messages during the handoff are thread replies, in order, escaped. (Each is written once the
	// one before is in the thread: messages that queue up behind a notice on its way are posted together.)
	texts := []string{"first message", "second <!here> & <@U123>", "third message"}
	var replies []testkit.SlackMessage
	for i, text := range texts {
		s.sayAs(phone, name, text)
		replies = s.slack.WaitForReplies(t, slackChannel, card.TS, i+1, slackWait)
	}
	want := []string{"first message", "second &lt;!here&gt; &amp; &lt;@U123&gt;", "third message"}
	for i, r := range replies[:len(texts)] {
		if r.ThreadTS != card.TS || !strings.Contains(r.Text, want[i]) || !strings.Contains(r.Text, "Customer") {
			t.Errorf("thread reply %d = %q (thread %s), want the customer's %q in thread %s", i, r.Text, r.ThreadTS, want[i], card.TS)
		}
	}
	s.quiet(phone, 1) // the bot stays silent
	var top int
	for _, call := range s.slack.Calls("chat.postMessage") {
		if call.ThreadTS == "" {
			top++
		}
	}
	if top != 1 {
		t.Errorf("%d top-level chat.postMessage calls, want exactly one card: %s", top, slackCallsText(s.slack.Calls("")))
	}
	if got := s.slack.Replies(slackChannel, card.TS); len(got) != len(texts) {
		t.Errorf("%d thread replies, want %d", len(got), len(texts))
	}
	s.assertNoMentions()
}

func TestSlackTakeAndSecondTake(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack())
	s.slack.AddUser(alice, "Alice Agent")
	s.slack.AddUser(bongani, "Bongani Agent")
	phone, card := s.slackHandoff()

	if code := s.take(alice, phone, card); code != http.StatusOK {
		t.Fatalf("take answered %d", code)
	}
	eventually(t, slackWait, func() bool { return s.conversation(phone).Assignee == "Alice Agent" }, "Alice's name as the assignee")
	s.waitUpdate(card.TS, "taken by Alice", func(c testkit.SlackCall) bool {
		return strings.Contains(blockText(c.Blocks), "Taken by <@"+alice+">")
	})
	if m, _ := s.slack.Message(slackChannel, card.TS); !strings.Contains(m.Text, "<@"+alice+">") {
		t.Errorf("card after the take: %q", m.Text)
	}

	updates := len(s.updatesOf(card.TS))
	if code := s.take(bongani, phone, card); code != http.StatusOK {
		t.Fatalf("second take answered %d", code)
	}
	e := s.waitEphemeral(bongani, 1)[0]
	if e.Channel != slackChannel || !strings.Contains(e.Text, "Alice Agent") {
		t.Errorf("Bongani told %q in %s, want who has it (Alice Agent) in %s", e.Text, e.Channel, slackChannel)
	}
	if e.ThreadTS != card.TS {
		t.Errorf("hint to Bongani in thread %q, want the card's %q", e.ThreadTS, card.TS)
	}
	c := s.conversation(phone)
	if c.Assignee != "Alice Agent" || c.Status != conversation.StatusHandoff {
		t.Fatalf("after the second take: assignee %q status %s", c.Assignee, c.Status)
	}
	s.settle(phone, "")
	if got := s.updatesOf(card.TS); len(got) != updates {
		t.Errorf("the second take changed the card: %s", slackCallsText(got[updates:]))
	}
	if m, _ := s.slack.Message(slackChannel, card.TS); strings.Contains(blockText(m.Blocks), "<@"+bongani+">") {
		t.Errorf("card names Bongani: %s", blockText(m.Blocks))
	}
	if n := len(s.ephemerals(alice)); n != 0 {
		t.Errorf("Alice got %d ephemeral messages", n)
	}
}

func TestSlackThreadRepliesRelayed(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack())
	s.slack.AddUser(alice, "Alice Agent")
	s.slack.AddUser(bongani, "Bongani Agent")
	s.slack.AddUser(chen, "Chen Agent")

	t.Run("assignee", func(t *testing.T) {
		s := *s
		s.t = t
		phone, card := s.slackHandoff()
		if code := s.take(alice, phone, card); code != http.StatusOK {
			t.Fatalf("take answered %d", code)
		}
		eventually(t, slackWait, func() bool { return s.conversation(phone).Assignee == "Alice Agent" }, "the assignee")
		sent := graphTexts(s.graph.Messages(phone)) // the handoff notice

		// A reply from the assignee reaches the customer as plain text.
		reply := testkit.SlackMessageEvent{User: alice, ThreadTS: card.TS,
			Text: "Approved &lt;3 &amp; see <https://shop.example/refunds|our refund policy> or <https://shop.example/faq>, <@" + alice + ">"}
		if code := s.slackEvent(reply, 0); code != http.StatusOK {
			t.Fatalf("event answered %d", code)
		}
		want := "Approved <3 & see our refund policy (https://shop.example/refunds) or https://shop.example/faq, @Alice Agent"
		sent = append(sent, want)
		got := s.graph.WaitForMessages(t, phone, len(sent), slackWait)
		if got[len(sent)-1].Text != want {
			t.Fatalf("customer got %q, want %q", got[len(sent)-1].Text, want)
		}

		// An internal note is not sent; its author is told.
		if code := s.slackEvent(testkit.SlackMessageEvent{User: alice, ThreadTS: card.TS, Text: "// she sounds upset, be gentle"}, 0); code != http.StatusOK {
			t.Fatalf("note answered %d", code)
		}
		hint := s.waitEphemeral(alice, 1)[0]
		if hint.ThreadTS != card.TS || !strings.Contains(strings.ToLower(hint.Text), "not sent") {
			t.Errorf("note hint %q in thread %q", hint.Text, hint.ThreadTS)
		}

		// Another agent's reply is not sent; they are told who has the conversation.
		if code := s.slackEvent(testkit.SlackMessageEvent{User: bongani, ThreadTS: card.TS, Text: "I can do this one"}, 0); code != http.StatusOK {
			t.Fatalf("Bongani's reply answered %d", code)
		}
		hint = s.waitEphemeral(bongani, 1)[0]
		if hint.ThreadTS != card.TS || !strings.Contains(hint.Text, "Alice Agent") {
			t.Errorf("Bongani's hint %q in thread %q", hint.Text, hint.ThreadTS)
		}

		// The product's own posts echoed back, edits and other subtypes are ignored.
		for _, ev := range []testkit.SlackMessageEvent{
			{User: s.slack.BotUserID(), BotID: s.slack.BotID(), ThreadTS: card.TS, Text: "*Customer:* hello"},
			{User: alice, ThreadTS: card.TS, Text: "edited text", SubType: "message_changed"},
			{ThreadTS: card.TS, Text: "legacy bot post", SubType: "bot_message"},
			{User: alice, ThreadTS: card.TS, Text: "also sent to the channel", SubType: "thread_broadcast"},
		} {
			if code := s.slackEvent(ev, 0); code != http.StatusOK {
				t.Fatalf("%s/%s event answered %d", ev.BotID, ev.SubType, code)
			}
		}

		// The same event delivered again, once later and twice at once, reaches the customer once.
		again := testkit.SlackMessageEvent{EventID: "EvRETRY" + phone, User: alice, ThreadTS: card.TS, Text: "Your refund is on its way"}
		if code := s.slackEvent(again, 0); code != http.StatusOK {
			t.Fatalf("event answered %d", code)
		}
		sent = append(sent, again.Text)
		s.graph.WaitForMessages(t, phone, len(sent), slackWait)
		var wg sync.WaitGroup
		for retry := 1; retry <= 3; retry++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if code, err := s.slackEventAsync(again, retry); code != http.StatusOK {
					t.Errorf("retry %d answered %d %v", retry, code, err)
				}
			}()
		}
		wg.Wait()
		// A retry of a fresh event arriving while the first delivery runs is processed once too.
		fresh := testkit.SlackMessageEvent{EventID: "EvFRESH" + phone, User: alice, ThreadTS: card.TS, Text: "Anything else?"}
		for retry := 0; retry <= 1; retry++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if code, err := s.slackEventAsync(fresh, retry); code != http.StatusOK {
					t.Errorf("delivery %d answered %d %v", retry, code, err)
				}
			}()
		}
		wg.Wait()
		sent = append(sent, fresh.Text)
		s.graph.WaitForMessages(t, phone, len(sent), slackWait)
		s.quietTexts(phone, sent)
		if n := len(s.ephemerals(alice)); n != 1 {
			t.Errorf("Alice got %d hints, want 1 (for the note): %s", n, slackCallsText(s.ephemerals(alice)))
		}
		if n := len(s.ephemerals(s.slack.BotUserID())); n != 0 {
			t.Errorf("the bot's own echo was treated as a reply: %d hints to the bot user", n)
		}
		c := s.conversation(phone)
		if c.Assignee != "Alice Agent" || c.Status != conversation.StatusHandoff {
			t.Fatalf("assignee %q status %s", c.Assignee, c.Status)
		}
		var agent []string
		for _, e := range c.Transcript {
			if e.From == conversation.FromAgent {
				agent = append(agent, e.Text)
			}
		}
		if len(agent) != 3 {
			t.Errorf("agent lines in the transcript: %q", agent)
		}
	})

	t.Run("first replier takes it", func(t *testing.T) {
		s := *s
		s.t = t
		phone, card := s.slackHandoff()
		before := len(s.graph.Messages(phone))
		// Echoes, edits and other subtypes first: none of them may claim the conversation.
		for _, ev := range []testkit.SlackMessageEvent{
			{User: s.slack.BotUserID(), BotID: s.slack.BotID(), ThreadTS: card.TS, Text: "*Customer:* hello"},
			{User: bongani, ThreadTS: card.TS, Text: "edited text", SubType: "message_changed"},
			{ThreadTS: card.TS, Text: "legacy bot post", SubType: "bot_message"},
			// docs/CONTRACT.md ignores every message with a subtype, even a person's reply also sent to the channel.
			{User: bongani, ThreadTS: card.TS, Text: "also sent to the channel", SubType: "thread_broadcast"},
		} {
			if code := s.slackEvent(ev, 0); code != http.StatusOK {
				t.Fatalf("%s/%s event answered %d", ev.BotID, ev.SubType, code)
			}
		}
		if c := s.conversation(phone); c.Assignee != "" {
			t.Fatalf("an echo or an edit made %q the assignee", c.Assignee)
		}
		if code := s.slackEvent(testkit.SlackMessageEvent{User: chen, ThreadTS: card.TS, Text: "Hi, Chen here"}, 0); code != http.StatusOK {
			t.Fatalf("event answered %d", code)
		}
		got := s.graph.WaitForMessages(t, phone, before+1, slackWait)
		if got[before].Text != "Hi, Chen here" {
			t.Fatalf("customer got %q", got[before].Text)
		}
		eventually(t, slackWait, func() bool { return s.conversation(phone).Assignee == "Chen Agent" }, "the first replier as the assignee")
		s.waitUpdate(card.TS, "taken by Chen", func(c testkit.SlackCall) bool {
			return strings.Contains(blockText(c.Blocks), "Taken by <@"+chen+">")
		})
		// From now on, only Chen speaks to the customer; Alice is told who has it.
		if code := s.slackEvent(testkit.SlackMessageEvent{User: alice, ThreadTS: card.TS, Text: "me too"}, 0); code != http.StatusOK {
			t.Fatalf("event answered %d", code)
		}
		s.waitSlack(func() bool { return len(s.threadEphemerals(alice, card.TS)) == 1 }, "the hint to Alice in "+card.TS)
		if hint := s.threadEphemerals(alice, card.TS)[0]; !strings.Contains(hint.Text, "Chen Agent") {
			t.Errorf("Alice's hint %q does not name Chen", hint.Text)
		}
		s.quietTexts(phone, append(graphTexts(got[:before]), "Hi, Chen here"))
		if n := len(s.ephemerals(s.slack.BotUserID())); n != 0 {
			t.Errorf("the bot's own echo was treated as a reply: %d hints to the bot user", n)
		}
	})
	s.assertNoMentions()
}

func TestSlackIdleTimerThenReturn(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack(), withEnv("HANDOFF_IDLE_TIMEOUT", "3s"))
	s.slack.AddUser(alice, "Alice Agent")
	phone, card := s.slackHandoff()

	s.waitStatus(phone, conversation.StatusAwaitingConfirmation)
	prompt := s.waitPrompt(card.TS, 1)
	if prompt.Channel != slackChannel || prompt.ThreadTS != card.TS {
		t.Fatalf("prompt in %s thread %s", prompt.Channel, prompt.ThreadTS)
	}
	for _, action := range []string{slackapp.ActionReturn, slackapp.ActionKeep} {
		if !hasAction(prompt.Buttons(), action) {
			t.Errorf("prompt lacks %s: %+v", action, prompt.Buttons())
		}
	}
	if !buttonsCarry(prompt.Buttons(), phone) {
		t.Errorf("prompt buttons do not carry the wa_id: %+v", prompt.Buttons())
	}
	s.quiet(phone, 1) // only the handoff notice so far: the bot is still silent
	before := len(s.graph.Messages(phone))

	if code := s.press(testkit.SlackInteraction{UserID: alice, MessageTS: prompt.TS, ThreadTS: card.TS,
		ActionID: slackapp.ActionReturn, Value: phone}); code != http.StatusOK {
		t.Fatalf("return answered %d", code)
	}
	s.waitStatus(phone, conversation.StatusActive)
	s.waitUpdate(card.TS, "returned to the bot", func(c testkit.SlackCall) bool {
		return strings.Contains(blockText(c.Blocks), "Returned to the bot") && len(c.Buttons()) == 0
	})
	s.waitUpdate(prompt.TS, "the prompt answered", func(c testkit.SlackCall) bool {
		return strings.Contains(c.Text, "Returned to the bot") && len(c.Buttons()) == 0
	})
	s.graph.WaitForMessages(t, phone, before+1, slackWait) // the customer is told the bot is back
	s.say(phone, "How much is delivery?")
	got := s.graph.WaitForMessages(t, phone, before+2, slackWait)
	if !strings.Contains(got[before+1].Text, "R99") {
		t.Fatalf("the bot did not answer after the return: %q", graphTexts(got))
	}
	if p := s.prompts(card.TS); len(p) != 1 {
		t.Errorf("%d prompts, want 1", len(p))
	}
}

func TestSlackIdleTimerThenKeepThenReturn(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack(), withEnv("HANDOFF_IDLE_TIMEOUT", "3s"))
	s.slack.AddUser(alice, "Alice Agent")
	phone, card := s.slackHandoff()

	s.waitStatus(phone, conversation.StatusAwaitingConfirmation)
	first := s.waitPrompt(card.TS, 1)
	pressed := time.Now()
	if code := s.press(testkit.SlackInteraction{UserID: alice, MessageTS: first.TS, ThreadTS: card.TS,
		ActionID: slackapp.ActionKeep, Value: phone}); code != http.StatusOK {
		t.Fatalf("keep answered %d", code)
	}
	c := s.waitStatus(phone, conversation.StatusHandoff)
	if c.Assignee != "Alice Agent" {
		t.Errorf("assignee after keep %q", c.Assignee)
	}
	s.waitUpdate(first.TS, "the prompt kept", func(c testkit.SlackCall) bool {
		return strings.Contains(c.Text, "Kept") && len(c.Buttons()) == 0
	})

	// The timer starts again: a second prompt, a full timeout after the keep.
	second := s.waitPrompt(card.TS, 2)
	if second.TS == first.TS {
		t.Fatal("the second prompt is the first")
	}
	if gap := second.At.Sub(pressed); gap < 3*time.Second-100*time.Millisecond {
		t.Errorf("second prompt %v after the keep, want at least the 3s timeout", gap)
	}
	s.waitStatus(phone, conversation.StatusAwaitingConfirmation)
	if code := s.press(testkit.SlackInteraction{UserID: alice, MessageTS: second.TS, ThreadTS: card.TS,
		ActionID: slackapp.ActionReturn, Value: phone}); code != http.StatusOK {
		t.Fatalf("return answered %d", code)
	}
	s.waitStatus(phone, conversation.StatusActive)
	s.waitUpdate(card.TS, "returned to the bot", func(c testkit.SlackCall) bool {
		return strings.Contains(blockText(c.Blocks), "Returned to the bot")
	})
	s.settle(phone, "")
	if p := s.prompts(card.TS); len(p) != 2 {
		t.Errorf("%d prompts, want 2", len(p))
	}
}

func TestSlackBadSignatureAndStaleTimestamp(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack())
	s.slack.AddUser(alice, "Alice Agent")
	phone, card := s.slackHandoff()
	s.settle(phone, "") // let the handoff's notices settle
	graphBefore, slackBefore := len(s.graph.Messages("")), len(s.slack.Calls(""))

	take := testkit.SlackInteraction{UserID: alice, ChannelID: slackChannel, MessageTS: card.TS, ActionID: slackapp.ActionTake, Value: phone}
	reply := testkit.SlackMessageEvent{EventID: "EvSIGNED" + phone, Channel: slackChannel, User: alice, ThreadTS: card.TS, Text: "Hello from Alice"}
	endpoints := []struct {
		path, contentType string
		body              []byte
	}{
		{"/webhooks/slack/interactions", "application/x-www-form-urlencoded", take.Body()},
		{"/webhooks/slack/events", "application/json", reply.Body()},
		{"/webhooks/slack/events", "application/json", testkit.SlackURLVerificationBody("challenge-not-for-you")},
	}
	now := time.Now()
	for _, ep := range endpoints {
		for name, req := range map[string]*http.Request{
			"wrong secret":    testkit.SlackSignedRequest(s.srv.URL+ep.path, "not-the-secret", now, ep.contentType, ep.body),
			"stale timestamp": testkit.SlackSignedRequest(s.srv.URL+ep.path, slackSecret, now.Add(-6*time.Minute), ep.contentType, ep.body),
			"future":          testkit.SlackSignedRequest(s.srv.URL+ep.path, slackSecret, now.Add(6*time.Minute), ep.contentType, ep.body),
			"no v0 prefix": func() *http.Request {
				r := testkit.SlackSignedRequest(s.srv.URL+ep.path, slackSecret, now, ep.contentType, ep.body)
				r.Header.Set("X-Slack-Signature", strings.TrimPrefix(r.Header.Get("X-Slack-Signature"), "v0="))
				return r
			}(),
			"no headers": func() *http.Request {
				r := testkit.SlackSignedRequest(s.srv.URL+ep.path, slackSecret, now, ep.contentType, ep.body)
				r.Header.Del("X-Slack-Signature")
				r.Header.Del("X-Slack-Request-Timestamp")
				return r
			}(),
			"tampered body": func() *http.Request {
				tampered := append(append([]byte(nil), ep.body...), ' ')
				r := testkit.SlackSignedRequest(s.srv.URL+ep.path, slackSecret, now, ep.contentType, tampered)
				r.Header.Set("X-Slack-Signature", testkit.SignSlack(slackSecret, now, ep.body))
				return r
			}(),
		} {
			code, body := testkit.PostSlack(t, req)
			if code != http.StatusUnauthorized {
				t.Errorf("%s %s: %d %q, want 401", ep.path, name, code, body)
			}
			if strings.Contains(body, "challenge-not-for-you") {
				t.Errorf("%s %s: challenge answered", ep.path, name)
			}
		}
	}
	s.settle(phone, "")
	c := s.conversation(phone)
	if c.Status != conversation.StatusHandoff || c.Assignee != "" {
		t.Errorf("refused requests changed the conversation: status %s assignee %q", c.Status, c.Assignee)
	}
	if n := len(s.graph.Messages("")); n != graphBefore {
		t.Errorf("refused requests sent %d WhatsApp messages", n-graphBefore)
	}
	if calls := s.slack.Calls(""); len(calls) != slackBefore {
		t.Errorf("refused requests made Slack calls: %s", slackCallsText(calls[slackBefore:]))
	}

	// The same requests, signed now with the right secret, are accepted: the refusals were the signature's.
	if code := s.press(take); code != http.StatusOK {
		t.Fatalf("signed take answered %d", code)
	}
	eventually(t, slackWait, func() bool { return s.conversation(phone).Assignee == "Alice Agent" }, "the signed take")
	if code := s.slackEvent(reply, 0); code != http.StatusOK {
		t.Fatalf("signed reply answered %d", code)
	}
	if got := s.graph.WaitForMessages(t, phone, 2, slackWait); got[1].Text != reply.Text {
		t.Fatalf("customer got %q", got[1].Text)
	}
}

func TestSlackURLVerification(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack())
	const challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
	code, body := testkit.PostSlack(t, testkit.SlackEventRequest(s.srv.URL+"/webhooks/slack/events", slackSecret,
		testkit.SlackURLVerificationBody(challenge), 0))
	if code != http.StatusOK || strings.TrimSpace(body) != challenge {
		// Slack also accepts {"challenge": "..."}.
		var v struct{ Challenge string }
		if code != http.StatusOK || json.Unmarshal([]byte(body), &v) != nil || v.Challenge != challenge {
			t.Fatalf("url_verification answered %d %q", code, body)
		}
	}
	if n := len(s.slack.Calls("")); n != 0 {
		t.Errorf("url_verification made %d Slack calls", n)
	}
}

func TestSlackDownDuringHandoff(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack())
	const failures = 3
	s.slack.FailNext(failures, testkit.SlackFailure{Method: "chat.postMessage", Status: http.StatusInternalServerError})
	s.slack.FailNext(1, testkit.SlackFailure{Method: "chat.postMessage", Status: http.StatusTooManyRequests, RetryAfter: 1, Error: "ratelimited"})
	phone := newPhone()
	s.say(phone, refundRequest)

	// The handoff does not wait for Slack.
	notice := s.graph.WaitForMessages(t, phone, 1, slackWait)[0]
	if !strings.Contains(notice.Text, "person") {
		t.Fatalf("customer not told a person takes over: %q", notice.Text)
	}
	s.waitStatus(phone, conversation.StatusHandoff)
	if cards := s.cardsOf(phone); len(cards) > 0 && !cards[0].At.After(notice.At) {
		t.Fatalf("the card landed before the customer was told, though Slack was down")
	}
	during := []string{"What are your trading hours?", "hello?? <!channel>", "third one"}
	for _, text := range during {
		s.say(phone, text)
	}
	card := s.waitCard(phone)

	// Every failure came before the card, 500s first, then the 429; the 429's Retry-After was honoured.
	var failed []testkit.SlackCall
	for _, c := range s.slack.Calls("chat.postMessage") {
		if !c.OK() {
			failed = append(failed, c)
		}
	}
	if len(failed) != failures+1 {
		t.Fatalf("%d failed posts, want %d: %s", len(failed), failures+1, slackCallsText(s.slack.Calls("")))
	}
	for i, c := range failed {
		want := http.StatusInternalServerError
		if i == failures {
			want = http.StatusTooManyRequests
		}
		if c.Status != want || c.ThreadTS != "" || !buttonsCarry(c.Buttons(), phone) {
			t.Errorf("failed post %d: status %d thread %q, want the card answered %d", i, c.Status, c.ThreadTS, want)
		}
	}
	if gap := card.At.Sub(failed[failures].At); gap < 900*time.Millisecond {
		t.Errorf("card retried %v after a 429 with Retry-After: 1", gap)
	}

	// What the customer wrote while Slack was down reaches the thread in order; messages that queued up
	// behind the card are posted together, in one reply.
	want := []string{"What are your trading hours?", "hello?? &lt;!channel&gt;", "third one"}
	var thread string
	eventually(t, slackWait, func() bool {
		thread = ""
		for _, r := range s.slack.Replies(slackChannel, card.TS) {
			thread += r.Text + "\n"
		}
		return strings.Contains(thread, want[len(want)-1])
	}, "the customer's messages in the card's thread")
	at := 0
	for _, w := range want {
		i := strings.Index(thread[at:], w)
		if i < 0 {
			t.Fatalf("thread %q lacks %q (in order)", thread, w)
		}
		at += i + len(w)
	}
	for _, c := range s.slack.Calls("chat.postMessage") {
		if c.ThreadTS == card.TS && c.At.Before(card.At) {
			t.Errorf("thread message posted before its card: %q", c.Text)
		}
	}
	// A 429 later in the handoff: the thread message waits for Retry-After (3s, where the first retry would
	// otherwise come after 1s), then lands.
	s.slack.FailNext(1, testkit.SlackRateLimited(3))
	s.say(phone, "are you there?")
	replies := s.slack.WaitForReplies(t, slackChannel, card.TS, 2, slackWait)
	if last := replies[len(replies)-1]; !strings.Contains(last.Text, "are you there?") {
		t.Errorf("last thread reply %q", last.Text)
	}
	var limited, landed time.Time
	for _, c := range s.slack.Calls("chat.postMessage") {
		if strings.Contains(c.Text, "are you there?") {
			if c.Status == http.StatusTooManyRequests {
				limited = c.At
			} else if c.OK() {
				landed = c.At
			}
		}
	}
	if limited.IsZero() || landed.Sub(limited) < 3*time.Second-100*time.Millisecond {
		t.Errorf("thread message rate-limited at %v landed at %v: Retry-After 3 not honoured", limited, landed)
	}
	// The bot stayed silent throughout.
	s.quiet(phone, 1)
	if c := s.conversation(phone); c.Status != conversation.StatusHandoff {
		t.Fatalf("status %s", c.Status)
	}
	if n := len(s.cardsOf(phone)); n != 1 {
		t.Errorf("%d cards posted, want 1", n)
	}
	s.assertNoMentions()
}

func TestSlackInteractionFromAnotherChannel(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack())
	s.slack.AddUser(alice, "Alice Agent")
	phone, card := s.slackHandoff()
	s.settle(phone, "")
	updates := len(s.updatesOf(card.TS))

	for _, action := range []string{slackapp.ActionTake, slackapp.ActionReturn, slackapp.ActionKeep} {
		if code := s.press(testkit.SlackInteraction{UserID: alice, ChannelID: slackOther, MessageTS: card.TS,
			ActionID: action, Value: phone}); code != http.StatusOK {
			t.Fatalf("%s from another channel answered %d", action, code)
		}
	}
	s.settle(phone, "")
	c := s.conversation(phone)
	if c.Status != conversation.StatusHandoff || c.Assignee != "" {
		t.Fatalf("an interaction from another channel changed the conversation: status %s assignee %q", c.Status, c.Assignee)
	}
	if got := s.updatesOf(card.TS); len(got) != updates {
		t.Errorf("the card changed: %s", slackCallsText(got[updates:]))
	}
	for _, call := range s.slack.Calls("") {
		if call.Channel == slackChannel && call.Method != "chat.postMessage" && call.Method != "users.info" {
			t.Errorf("slack call in the support channel: %s", slackCallsText([]testkit.SlackCall{call}))
		}
	}
	s.quiet(phone, 1)

	// The same press in the support channel works.
	if code := s.take(alice, phone, card); code != http.StatusOK {
		t.Fatalf("take answered %d", code)
	}
	eventually(t, slackWait, func() bool { return s.conversation(phone).Assignee == "Alice Agent" }, "the take in the support channel")
}

// withSlowSlack is withSlack with every chat.postEphemeral answered only after delay, through a proxy in front
// of the fake Slack.
func withSlowSlack(delay time.Duration) stackOption {
	return func(env map[string]string, s *stack) {
		withSlack()(env, s)
		target, err := url.Parse(s.slack.URL())
		if err != nil {
			s.t.Fatal(err)
		}
		proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/chat.postEphemeral") {
				select {
				case <-time.After(delay):
				case <-r.Context().Done():
					return
				}
			}
			r.URL.Path = strings.TrimPrefix(r.URL.Path, "/slow")
			proxy.ServeHTTP(w, r)
		}))
		s.t.Cleanup(srv.Close)
		env["SLACK_API_URL"] = srv.URL + "/slow" + target.Path
	}
}

// Slack wants every interaction and event acknowledged within 3 seconds, however slow its own Web API is.
func TestSlackAcknowledgedWhileSlackIsSlow(t *testing.T) {
	t.Parallel()
	const delay = 8 * time.Second
	s := newStack(t, withSlowSlack(delay))
	s.slack.AddUser(alice, "Alice Agent")
	phone, card := s.slackHandoff()

	for name, send := range map[string]func() int{
		"a note": func() int {
			return s.slackEvent(testkit.SlackMessageEvent{User: alice, ThreadTS: card.TS, Text: "// internal"}, 0)
		},
		"a press in another channel": func() int {
			return s.press(testkit.SlackInteraction{UserID: alice, ChannelID: slackOther, MessageTS: card.TS,
				ActionID: slackapp.ActionTake, Value: phone})
		},
	} {
		start := time.Now()
		if code := send(); code != http.StatusOK {
			t.Errorf("%s answered %d", name, code)
		}
		if took := time.Since(start); took > delay/2 {
			t.Errorf("%s acknowledged after %v: Slack gives up after 3s", name, took)
		}
	}
	// The hints still reach the agent, late.
	s.waitEphemeral(alice, 2)
	s.quiet(phone, 1)
}
