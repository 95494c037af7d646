package nlp

import (
	"context"
	"github.com/supportd/supportd/workflows/conversation"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/supportd/supportd/ai"
)

func TestSummarize(t *testing.T) {
	e := testEngine(t)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	line := func(from, text string) conversation.Line { return conversation.Line{From: from, Text: text, At: at} }
	tracking := "Your tracking link is in the confirmation SMS and WhatsApp message we send when your parcel ships."
	s, err := e.Summarize(context.Background(), ai.SummaryRequest{
		Name:   "Thandi Nkosi",
		Phone:  "27825551234",
		Reason: "repeated_question",
		Transcript: []conversation.Line{
			line("customer", "Hi"),
			line("bot", "Hi! How can I help?"),
			line("customer", "Where is my order #5544? It should have arrived on Monday"),
			line("bot", tracking),
			line("customer", "where's my parcel??"),
			line("bot", tracking),
			line("customer", "The box was also open when the courier left it. This is ridiculous!!"),
			line("customer", "ok"),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Thandi Nkosi", "1234", "Repeated question", "Where is my order #5544", "(twice)",
		"The box was also open", "Your tracking link", "angry", "#5544",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	for _, unwanted := range []string{"How can I help", "\"ok\"", "\"Hi\"", "27825551234"} {
		if strings.Contains(s, unwanted) {
			t.Errorf("summary holds %q:\n%s", unwanted, s)
		}
	}
	if n := utf8.RuneCountInString(s); n > maxSummary {
		t.Errorf("summary is %d characters, want at most %d", n, maxSummary)
	}
}

func TestSummarizeLongAndEmpty(t *testing.T) {
	e := testEngine(t)
	long := strings.Repeat("my order has not arrived and nobody answers the phone, please help me ", 20)
	var transcript []conversation.Line
	for i := 0; i < 10; i++ {
		transcript = append(transcript, conversation.Line{From: "customer", Text: long + string(rune('a'+i))},
			conversation.Line{From: "bot", Text: long + string(rune('A'+i))})
	}
	s, _ := e.Summarize(context.Background(), ai.SummaryRequest{Phone: "0825551234", Reason: "ai_unavailable", Transcript: transcript})
	if n := utf8.RuneCountInString(s); n > maxSummary {
		t.Errorf("long summary is %d characters, want at most %d:\n%s", n, maxSummary, s)
	}
	if !strings.Contains(s, "engine unavailable") {
		t.Errorf("summary lacks the reason label:\n%s", s)
	}
	s, _ = e.Summarize(context.Background(), ai.SummaryRequest{Reason: "agent_takeover"})
	if !strings.Contains(s, "nothing") || !strings.Contains(s, "Taken over by an agent") {
		t.Errorf("empty summary:\n%s", s)
	}
}
