package testkit

import (
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/llm"
)

// KeywordResponder returns a handler that stands in for a real model with k as its knowledge base, so that
// integration tests get plausible behaviour from package llm without one:
//
//   - a classification request (schema llm.ClassifySchemaName) is classified by keywords in the last user
//     message, first match wins: "person", "human", "agent" ask for a human; "refund" or "money back" is a
//     refund request unless negated ("I don't need a refund"); "damaged", "broken", "missing", "wrong" are
//     complaints; an order number or "where is my order" is order_status; a message sharing at least half
//     the content words of an FAQ question is faq with that FAQ's id (the only case with kb_answers true);
//     then thanks, greeting, other. "angry", "useless", "worst" and the like, "!!!" or shouting are angry;
//   - a bot-turn request (schema llm.ReplySchemaName) gets that verdict and the matched FAQ's answer verbatim;
//   - an answer request (schema llm.AnswerSchemaName) gets the matched FAQ's answer verbatim, or
//     answerable false;
//   - any other request is taken for a summary and gets three plain lines built from the "Customer:" and
//     "Handoff reason:" lines and the last customer line of the transcript.
func KeywordResponder(k *kb.KnowledgeBase) func(ChatRequest) ChatReply {
	return func(req ChatRequest) ChatReply {
		switch req.SchemaName {
		case llm.ClassifySchemaName:
			intent, sentiment, faqID := keywordClassify(k, req.User())
			return ReplyClassification(intent, sentiment, faqID != "", faqID)
		case llm.ReplySchemaName:
			intent, sentiment, faqID := keywordClassify(k, req.User())
			answer := ""
			if f, ok := k.FAQ(faqID); ok && faqID != "" {
				answer = f.Answer
			}
			return ReplyTurn(intent, sentiment, faqID != "", faqID, answer)
		case llm.AnswerSchemaName:
			if f, ok := matchFAQ(k, req.User()); ok {
				return ReplyAnswer(true, f.Answer, f.ID)
			}
			return ReplyAnswer(false, "", "")
		case "":
			return ReplyContent(keywordSummary(req.User()))
		}
		return ReplyError(http.StatusBadRequest, "invalid_request_error", "",
			fmt.Sprintf("fake: unknown response_format name %q", req.SchemaName))
	}
}

// keywordClassify returns the intent, the sentiment and, when the message is an FAQ question, the FAQ's id.
func keywordClassify(k *kb.KnowledgeBase, text string) (intent, sentiment, faqID string) {
	p := newPhrases(text)
	sentiment = keywordSentiment(text, p)
	f, matched := matchFAQ(k, text)
	switch {
	case p.any("person", "human", "agent", "manager", "someone", "somebody", "call me back"):
		intent = "human_requested"
	case p.any("refund", "refunds", "money back") &&
		!p.any("dont need a refund", "do not need a refund", "dont want a refund", "do not want a refund",
			"not asking for a refund", "no refund", "refund policy"):
		intent = "refund_request"
	case p.any("damaged", "broken", "missing", "wrong", "faulty", "defective", "cracked", "never arrived",
		"not working", "doesnt work"):
		intent = "complaint"
	case p.hasOrderNumber() || p.any("where is my order", "where is my parcel", "where is my package",
		"status of my order"):
		intent = "order_status"
	case matched:
		intent, faqID = "faq", f.ID
	case p.any("thanks", "thank you", "thank", "cheers", "appreciate it"):
		intent = "thanks"
	case p.any("hi", "hello", "hey", "good morning", "good afternoon", "good evening", "howzit", "sawubona"):
		intent = "greeting"
	default:
		intent = "other"
	}
	return intent, sentiment, faqID
}

func keywordSentiment(text string, p phrases) string {
	switch {
	case strings.Contains(text, "!!!") || shouting(text) ||
		p.any("angry", "furious", "useless", "worst", "ridiculous", "rubbish", "pathetic", "scam",
			"disgusting", "terrible", "hate", "livid"):
		return "angry"
	case p.any("not happy", "unhappy", "disappointed", "damaged", "broken", "missing", "wrong", "late",
		"still waiting", "problem", "bad", "frustrated", "annoyed", "faulty"):
		return "negative"
	case p.any("thanks", "thank", "great", "awesome", "love", "perfect", "excellent", "amazing", "brilliant"):
		return "positive"
	}
	return "neutral"
}

// shouting reports a message written mostly in capitals.
func shouting(text string) bool {
	letters, upper := 0, 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return letters >= 12 && upper*10 >= letters*8
}

// matchFAQ finds the FAQ whose question shares the largest part of its content words with text: at least
// half of the question's words and at least one.
func matchFAQ(k *kb.KnowledgeBase, text string) (kb.FAQ, bool) {
	words := contentWords(text)
	var (
		best        kb.FAQ
		bestScore   float64
		bestOverlap int
		found       bool
	)
	for _, f := range k.FAQs {
		for _, q := range f.Questions {
			qw := contentWords(q)
			if len(qw) == 0 {
				continue
			}
			overlap := 0
			for w := range qw {
				if words[w] {
					overlap++
				}
			}
			score := float64(overlap) / float64(len(qw))
			if overlap == 0 || score < 0.5 {
				continue
			}
			if score > bestScore || (score == bestScore && overlap > bestOverlap) {
				best, bestScore, bestOverlap, found = f, score, overlap, true
			}
		}
	}
	return best, found
}

// isStopWord reports a word that carries no topic of its own.
func isStopWord(w string) bool {
	switch w {
	case "a", "an", "the", "is", "are", "am", "was", "were", "be", "do", "does", "did",
		"i", "im", "you", "your", "we", "our", "us", "me", "my", "it", "its",
		"to", "of", "in", "on", "at", "for", "with", "and", "or", "but", "so", "if",
		"what", "when", "where", "how", "which", "who", "why",
		"can", "could", "would", "will", "should", "there", "this", "that", "any", "some",
		"please", "hi", "hello", "hey", "just", "about", "from", "have", "has", "get",
		"dont", "need", "want", "know", "tell", "like", "not", "no", "yes", "ok", "thanks", "thank",
		"much", "many", "very", "really":
		return true
	}
	return false
}

// contentWords returns the words of s that carry meaning, lower-cased with a plural "s" dropped.
func contentWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range words(s) {
		if isStopWord(w) {
			continue
		}
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = strings.TrimSuffix(w, "s")
		}
		out[w] = true
	}
	return out
}

// words splits s into lower-case words of letters and digits; apostrophes vanish ("don't" is "dont").
func words(s string) []string {
	s = strings.NewReplacer("'", "", "’", "").Replace(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// phrases matches whole words and word sequences in a message.
type phrases struct{ padded string }

func newPhrases(s string) phrases { return phrases{" " + strings.Join(words(s), " ") + " "} }

func (p phrases) any(list ...string) bool {
	for _, s := range list {
		if strings.Contains(p.padded, " "+s+" ") {
			return true
		}
	}
	return false
}

// hasOrderNumber reports a message that mentions an order and a number of at least four digits.
func (p phrases) hasOrderNumber() bool {
	if !p.any("order") {
		return false
	}
	for _, w := range strings.Fields(p.padded) {
		if len(w) >= 4 && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
			return true
		}
	}
	return false
}

// keywordSummary builds a three-line summary from the summary request package llm sends.
func keywordSummary(user string) string {
	name, reason, last := "The customer", "not given", ""
	for _, line := range strings.Split(user, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "Customer: "):
			if n := strings.TrimPrefix(line, "Customer: "); !strings.HasPrefix(n, "(") {
				name = n
			}
		case strings.HasPrefix(line, "Handoff reason: "):
			reason = strings.TrimPrefix(line, "Handoff reason: ")
		default:
			if i := strings.Index(line, "customer: "); i >= 0 && (i == 0 || strings.HasPrefix(line, "[")) {
				last = line[i+len("customer: "):]
			}
		}
	}
	if last == "" {
		last = "(nothing)"
	}
	return fmt.Sprintf("%s needs a person.\nLast message: %q\nHanded off: %s.", name, last, reason)
}
