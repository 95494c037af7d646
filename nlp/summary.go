package nlp

import (
	"context"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/workflows/conversation"
)

// Summary limits.
const (
	// maxSummary is the longest summary, in characters: a glance, not a transcript.
	maxSummary = 600
	// maxAsked and maxAnswered are how many customer questions and bot answers the summary quotes.
	maxAsked    = 3
	maxAnswered = 2
	// askedChars and answeredChars shorten each quote.
	askedChars    = 110
	answeredChars = 90
)

// Summarize writes a short note for the person taking over: who the customer is, why the conversation was
// handed over, what the customer asked (their key messages, without greetings, thanks or yes/no answers,
// a question asked again counted rather than repeated), what the bot answered, how the customer feels and
// which orders they named. It stays under 600 characters.
func (e *Engine) Summarize(ctx context.Context, req ai.SummaryRequest) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var asked, answered []counted
	var orders []string
	var turns []conversation.Turn
	mood := conversation.SentimentNeutral
	for _, l := range req.Transcript {
		text := strings.TrimSpace(l.Text)
		if text == "" {
			continue
		}
		switch l.From {
		case "customer":
			a := e.analyze(text)
			if worse(a.feeling.sentiment, mood) {
				mood = a.feeling.sentiment
			}
			orders = appendNew(orders, orderNumbers(a.msg.tokens)...)
			if a.intent == conversation.IntentGreeting || a.intent == conversation.IntentThanks || readReply(text) != replyNeither {
				continue
			}
			faqID := ""
			if a.hit.ok {
				faqID = a.hit.doc.faq.ID
			}
			topic := topicOf(a.msg, faqID, turns)
			if topic == "" && a.intent == conversation.IntentOther {
				continue
			}
			if i := topicIndex(turns, topic); i >= 0 {
				asked[i].n++
				continue
			}
			turns = append(turns, conversation.Turn{Topic: topic, Text: text})
			asked = append(asked, counted{text: text, n: 1})
		case "bot":
			if e.analyze(text).intent == conversation.IntentGreeting {
				continue
			}
			answered = addCounted(answered, text)
		}
	}
	asked = lastN(asked, maxAsked)
	answered = lastN(answered, maxAnswered)

	for quoteAsked, quoteAnswered := askedChars, answeredChars; ; quoteAsked, quoteAnswered = quoteAsked-20, quoteAnswered-20 {
		s := summaryText(req, asked, answered, orders, mood, quoteAsked, quoteAnswered)
		if utf8.RuneCountInString(s) <= maxSummary || quoteAnswered <= 30 {
			return shorten(s, maxSummary), nil
		}
	}
}

// counted is a message and how many times it was sent.
type counted struct {
	text string
	n    int
}

func (c counted) quote(n int) string {
	q := quote(c.text, n)
	switch {
	case c.n == 2:
		q += " (twice)"
	case c.n > 2:
		q += " (" + strconv.Itoa(c.n) + " times)"
	}
	return q
}

func addCounted(list []counted, text string) []counted {
	for i := range list {
		if list[i].text == text {
			list[i].n++
			return list
		}
	}
	return append(list, counted{text: text, n: 1})
}

func summaryText(req ai.SummaryRequest, asked, answered []counted, orders []string, mood conversation.Sentiment, qa, qb int) string {
	var b strings.Builder
	b.WriteString("Customer: ")
	b.WriteString(who(req.Name, req.Phone))
	if label := req.Reason.Label(); label != "" {
		b.WriteString("\nHandoff: ")
		b.WriteString(label)
	}
	b.WriteString("\nAsked: ")
	if len(asked) == 0 {
		b.WriteString("nothing specific yet")
	}
	for i, q := range asked {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(q.quote(qa))
	}
	b.WriteString("\nBot answered: ")
	if len(answered) == 0 {
		b.WriteString("nothing yet")
	}
	for i, q := range answered {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(q.quote(qb))
	}
	var notes []string
	switch mood {
	case conversation.SentimentAngry:
		notes = append(notes, "customer is angry")
	case conversation.SentimentNegative:
		notes = append(notes, "customer is unhappy")
	}
	if len(orders) > 0 {
		notes = append(notes, "order "+strings.Join(lastN(orders, 3), ", "))
	}
	if len(notes) > 0 {
		b.WriteString("\nNote: ")
		b.WriteString(strings.Join(notes, "; "))
	}
	return b.String()
}

// who names the customer by profile name and the last four digits of their number.
func who(name, phone string) string {
	digits := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, phone)
	name = strings.Join(strings.Fields(name), " ")
	switch {
	case name != "" && len(digits) >= 4:
		return name + " (number ending " + digits[len(digits)-4:] + ")"
	case name != "":
		return name
	case len(digits) >= 4:
		return "number ending " + digits[len(digits)-4:]
	}
	return "unknown"
}

// quote shortens a message to n characters on a word boundary and quotes it.
func quote(s string, n int) string {
	return `"` + shorten(strings.Join(strings.Fields(s), " "), n) + `"`
}

// shorten cuts s to at most n characters, on a word boundary when there is one, marking the cut with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)[:n-1]
	cut := string(rs)
	if i := strings.LastIndexAny(cut, " \n"); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:-") + "…"
}

// worse reports whether a is a stronger negative feeling than b.
func worse(a, b conversation.Sentiment) bool {
	rank := map[conversation.Sentiment]int{conversation.SentimentAngry: 3, conversation.SentimentNegative: 2}
	return rank[a] > rank[b]
}

// topicIndex returns the index of the turn with the topic, or -1.
func topicIndex(turns []conversation.Turn, topic string) int {
	if topic == "" {
		return -1
	}
	for i, t := range turns {
		if t.Topic == topic {
			return i
		}
	}
	return -1
}

// appendNew appends the items of add that list does not hold yet.
func appendNew(list []string, add ...string) []string {
	for _, a := range add {
		found := false
		for _, l := range list {
			if l == a {
				found = true
				break
			}
		}
		if !found {
			list = append(list, a)
		}
	}
	return list
}

func lastN[T any](list []T, n int) []T {
	if len(list) > n {
		return list[len(list)-n:]
	}
	return list
}

// orderNumbers returns the order references in ts, as "#5544".
func orderNumbers(ts []token) []string {
	phone := phoneSpans(ts)
	var out []string
	for i, t := range ts {
		if t.kind != kindNumber || phone[i] || len(t.norm) < 3 {
			continue
		}
		ref := t.hash
		for k := i - 1; !ref && k >= 0 && k >= i-3; k-- {
			ref = ts[k].concept == conceptOrder || orderRefWords[ts[k].norm]
		}
		if ref {
			out = appendNew(out, "#"+t.norm)
		}
	}
	return out
}
