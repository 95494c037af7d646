package workflows

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows/conversation"
)

const userID = "ZA.13491208655302741918"

func echo(body string) conversation.Message {
	m := text(body)
	m.Kind, m.Name = conversation.KindEcho, ""
	return m
}

func TestEchoStopsTheBotLikeATakeover(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.analyzeDelay = 3 * time.Second // real time: the bot is still thinking when the owner replies from the app
	h.signal(time.Second, text("What are your trading hours?"))
	h.signal(1500*time.Millisecond, echo("Hi, Sipho here, we open at 8"))
	h.signal(time.Minute, text("thanks, and delivery?"))
	h.at(2*time.Minute, func() {
		s := h.query(QueryConversation)
		if s.Status != conversation.StatusHandoff || s.HandoffReason != handoff.ReasonBusinessAppReply || s.Assignee != conversation.BusinessAppAgent {
			t.Errorf("after the echo: status %s reason %s assignee %q", s.Status, s.HandoffReason, s.Assignee)
		}
		var echoed *conversation.Line
		for i, l := range s.Transcript {
			if l.Source == conversation.SourceBusinessApp {
				echoed = &s.Transcript[i]
			}
		}
		if echoed == nil || echoed.From != conversation.FromAgent || echoed.Text != "Hi, Sipho here, we open at 8" {
			t.Errorf("echo not recorded as an agent line: %+v", s.Transcript)
		}
		var lastCustomer time.Time
		for _, l := range s.Transcript {
			if l.From == conversation.FromCustomer {
				lastCustomer = l.At
			}
		}
		if s.LastInbound == nil || !s.LastInbound.Equal(lastCustomer) {
			t.Errorf("the 24-hour window follows %v, not the customer's last message at %v", s.LastInbound, lastCustomer)
		}
	})
	// The idle timer runs: no human activity for 30 minutes asks for a confirmation.
	h.at(33*time.Minute, func() {
		if s := h.query(QueryStatus); s.Status != conversation.StatusAwaitingConfirmation {
			t.Errorf("idle timer after the echo: %s", s.Status)
		}
	})
	h.run(40 * time.Minute)
	if sent := h.sentTexts(); len(sent) != 0 {
		t.Fatalf("the bot spoke over the owner: %q", sent)
	}
	if kinds := h.noticeKinds(); len(kinds) == 0 || kinds[0] != conversation.NoticeHandoff {
		t.Fatalf("agents not told: %v", kinds)
	}
}

func TestEchoToANewCustomerStartsWithAPerson(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, echo("Hello from Baobab, your order is ready"))
	h.at(30*time.Second, func() {
		if s := h.query(QueryStatus); s.LastInbound != nil {
			t.Errorf("an echo opened the 24-hour window: %v", s.LastInbound)
		}
	})
	h.signal(time.Minute, text("What are your trading hours?"))
	h.at(2*time.Minute, func() {
		if s := h.query(QueryStatus); s.Status != conversation.StatusHandoff {
			t.Errorf("status %s", s.Status)
		}
	})
	h.run(10 * time.Minute)
	if sent := h.sentTexts(); len(sent) != 0 {
		t.Fatalf("sent %q", sent)
	}
	if len(h.analyzed) != 0 {
		t.Fatalf("the bot read messages of a conversation a person holds: %q", h.analyzed)
	}
}

func TestIdentifiersAddressTheSends(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	first := text("What are your trading hours?")
	first.Phone, first.WaID, first.UserID, first.Username = userID, "", userID, "thandi"
	h.signal(time.Second, first)
	// The customer shares a phone later: messages then go to the phone.
	second := text("and delivery?")
	second.Phone, second.WaID, second.UserID = userID, phone, userID
	h.signal(time.Minute, second)
	h.at(2*time.Minute, func() {
		s := h.query(QueryStatus)
		if s.WaID != phone || s.UserID != userID || s.Username != "thandi" {
			t.Errorf("identifiers %q %q %q", s.WaID, s.UserID, s.Username)
		}
		if s.Outbound["answer"] != 2 {
			t.Errorf("outbound %v", s.Outbound)
		}
	})
	h.at(0, func() {})
	h.at(5*time.Minute, func() { h.env.CancelWorkflow() })
	h.env.ExecuteWorkflow(ConversationWorkflow, Input{Phone: userID, UserID: userID})
	h.endedCancelled()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.sent) != 2 || h.sent[0].To != (conversation.Address{UserID: userID}) || h.sent[1].To != (conversation.Address{Phone: phone, UserID: userID}) {
		t.Fatalf("sent to %+v", h.sent)
	}
}

func TestFailedDeliveryReachesTheAgents(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signal(time.Second, text("I want a refund"))
	h.at(time.Minute, func() {
		h.update(UpdateReply, ReplyRequest{Agent: "Sipho", Text: "Sorry, which order?", Source: conversation.SourceConsole}, func(r any, err error) {
			if err != nil {
				t.Errorf("reply: %v", err)
			}
		})
	})
	failed := conversation.Message{Phone: phone, Kind: conversation.KindDelivery, RefID: "wamid.out", Delivery: conversation.DeliveryFailed,
		Error: "the customer is not on WhatsApp or cannot receive messages"}
	h.signal(2*time.Minute, failed)
	h.signal(3*time.Minute, failed) // delivered again by Meta
	h.at(4*time.Minute, func() {
		s := h.query(QueryConversation)
		var reply conversation.Line
		for _, l := range s.Transcript {
			if l.From == conversation.FromAgent {
				reply = l
			}
		}
		if reply.Delivery != conversation.DeliveryFailed || reply.Error == "" || reply.Source != conversation.SourceConsole {
			t.Errorf("agent line %+v", reply)
		}
		if !strings.Contains(s.Transcript[len(s.Transcript)-1].Text, "not delivered") {
			t.Errorf("no system line: %+v", s.Transcript)
		}
	})
	h.run(10 * time.Minute)
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, no := range h.notices {
		if no.Kind == conversation.NoticeNotDelivered {
			n++
			if no.Agent != "Sipho" || no.Reason == "" || no.Ref.TS == "" {
				t.Errorf("notice %+v", no)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d not-delivered notices, want 1: %v", n, h.notices)
	}
}

func TestAddressReadsTheOldSingleIdentifier(t *testing.T) {
	t.Parallel()
	var in struct {
		To conversation.Address `json:"to"`
	}
	for raw, want := range map[string]conversation.Address{
		`{"to":"27821234567"}`:                  {Phone: "27821234567"},
		`{"to":"ZA.13491208655302741918"}`:      {UserID: userID},
		`{"to":{"phone":"1","user_id":"ZA.2"}}`: {Phone: "1", UserID: "ZA.2"},
	} {
		if err := jsonUnmarshal(raw, &in); err != nil || in.To != want {
			t.Errorf("%s: %+v %v", raw, in.To, err)
		}
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
