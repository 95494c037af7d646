package nlp

import (
	"sort"
	"strings"

	"github.com/supportd/supportd/workflows/conversation"
)

// Topic names the question in text so that the same question asked again in other words gets the same
// name, which is how a conversation notices a customer asking again:
//
//   - "faq:<id>" when the knowledge base answers it (faqID, as classified);
//   - else the topic of the most recent turn in recent that asks the same question: the same content words
//     after normalisation, stemming and synonyms ("where's my parcel??" repeats "Where is my order?");
//   - else "q:" followed by the message's sorted content words, a stable key.
//
// Greetings, thanks and acknowledgements such as "ok" ask nothing and get "".
func Topic(text, faqID string, recent []conversation.Turn) string {
	return topicOf(parse(text), faqID, recent)
}

// maxTopicWords bounds the length of a "q:" key.
const maxTopicWords = 8

// topicOf is Topic for a parsed message.
func topicOf(m *message, faqID string, recent []conversation.Turn) string {
	if faqID != "" {
		return "faq:" + faqID
	}
	keys := topicKeys(m)
	if len(keys) == 0 {
		return ""
	}
	for i := len(recent) - 1; i >= 0; i-- {
		if recent[i].Topic == "" {
			continue
		}
		if sameQuestion(keys, topicKeys(parse(recent[i].Text))) {
			return recent[i].Topic
		}
	}
	if len(keys) > maxTopicWords {
		keys = keys[:maxTopicWords]
	}
	return "q:" + strings.Join(keys, "+")
}

// topicKeys returns the sorted distinct content words of m: concepts where words have one, stems otherwise.
// Everyday verbs, feelings, greetings and numbers are left out.
func topicKeys(m *message) []string {
	seen := map[string]bool{}
	skip := unwantedSpans(m.tokens)
	var keys []string
	for i := range m.tokens {
		t := &m.tokens[i]
		if t.inPhrase || skip[i] {
			continue
		}
		tm, ok := termOf(t)
		if !ok || (tm.low() && t.concept == "") || seen[tm.key] {
			continue
		}
		seen[tm.key] = true
		keys = append(keys, strings.TrimPrefix(tm.key, "@"))
	}
	sort.Strings(keys)
	return keys
}

// sameQuestion reports whether two key sets ask the same thing: they share at least 60% of their words, or
// one holds all but a fifth of the other's and they share at least two.
func sameQuestion(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	in := 0
	for _, x := range a {
		for _, y := range b {
			if x == y {
				in++
				break
			}
		}
	}
	union := len(a) + len(b) - in
	if float64(in) >= 0.6*float64(union) {
		return true
	}
	small := min(len(a), len(b))
	return in >= 2 && float64(in) >= 0.8*float64(small)
}
