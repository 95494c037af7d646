// Package ai defines what the conversation needs from a language engine: classify a customer message,
// answer it from the knowledge base only, and summarise a conversation for the person taking over.
// Two engines implement it: the OpenAI-compatible one (package llm) and the local one (package nlp).
package ai

import (
	"context"
	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows/conversation"
)

// Intent is what the customer wants (docs/CONTRACT.md vocabulary).
type Intent string

// The intents of the classifier vocabulary.
const (
	IntentGreeting       Intent = "greeting"
	IntentFAQ            Intent = "faq"
	IntentOrderStatus    Intent = "order_status"
	IntentRefundRequest  Intent = "refund_request"
	IntentHumanRequested Intent = "human_requested"
	IntentComplaint      Intent = "complaint"
	IntentThanks         Intent = "thanks"
	IntentOther          Intent = "other"
)

// Intents lists every intent, in contract order.
var Intents = []Intent{IntentGreeting, IntentFAQ, IntentOrderStatus, IntentRefundRequest,
	IntentHumanRequested, IntentComplaint, IntentThanks, IntentOther}

// Sentiment is how the customer feels.
type Sentiment string

// The sentiments of the classifier vocabulary.
const (
	SentimentPositive Sentiment = "positive"
	SentimentNeutral  Sentiment = "neutral"
	SentimentNegative Sentiment = "negative"
	SentimentAngry    Sentiment = "angry"
)

// Sentiments lists every sentiment, in contract order.
var Sentiments = []Sentiment{SentimentPositive, SentimentNeutral, SentimentNegative, SentimentAngry}

// Valid reports whether i is in the vocabulary.
func (i Intent) Valid() bool {
	for _, v := range Intents {
		if v == i {
			return true
		}
	}
	return false
}

// Valid reports whether s is in the vocabulary.
func (s Sentiment) Valid() bool {
	for _, v := range Sentiments {
		if v == s {
			return true
		}
	}
	return false
}

// Turn is one earlier question the customer asked, with the topic it was classified under, or (Role
// RoleHandBack) what a person left for the bot when handing the conversation back.
type Turn struct {
	Topic string `json:"topic"`
	Text  string `json:"text"`
	// Role is empty for the customer's question; RoleHandBack for a person's hand-back note and summary.
	Role string `json:"role,omitempty"`
	// Settled marks a question a person dealt with before handing the conversation back: context only, never
	// a request still open (an old "I want a person" must not hand off again).
	Settled bool `json:"settled,omitempty"`
}

// RoleHandBack is the Role of the turn a person leaves when returning a conversation to the bot.
const RoleHandBack = "hand_back"

// ClassifyRequest is one customer message to classify, with the recent questions that let the engine
// recognise the same question asked again in other words.
type ClassifyRequest struct {
	Text   string `json:"text"`
	Recent []Turn `json:"recent,omitempty"`
}

// Classification is the engine's verdict on one customer message.
type Classification struct {
	Intent    Intent    `json:"intent"`
	Sentiment Sentiment `json:"sentiment"`
	// KBAnswers is true when the knowledge base answers the question.
	KBAnswers bool `json:"kb_answers"`
	// FAQID is the knowledge-base entry that answers it, empty when none does.
	FAQID string `json:"faq_id,omitempty"`
	// Topic names the question, so that the same question in other words gets the same topic:
	// "faq:<id>" for a knowledge-base question, otherwise a key derived from the words, or the topic of
	// the recent turn it repeats.
	Topic string `json:"topic,omitempty"`
	// Engine names the engine that produced the verdict ("local" or "llm").
	Engine string `json:"engine,omitempty"`
}

// AnswerRequest asks for an answer grounded only in the knowledge base.
type AnswerRequest struct {
	Text  string `json:"text"`
	FAQID string `json:"faq_id,omitempty"`
	// Name is the customer's WhatsApp profile name, possibly empty.
	Name string `json:"name,omitempty"`
}

// Answer is the engine's reply. When Grounded is false the knowledge base does not answer the question
// and Text is empty: the caller must not guess.
type Answer struct {
	Text     string `json:"text"`
	Grounded bool   `json:"grounded"`
	FAQID    string `json:"faq_id,omitempty"`
}

// ReplyRequest is one customer message for the bot: classify it and, when the knowledge base answers it,
// answer it, in one step (one model call for a model).
type ReplyRequest struct {
	Text   string `json:"text"`
	Recent []Turn `json:"recent,omitempty"`
	// Name is the customer's WhatsApp profile name, possibly empty.
	Name string `json:"name,omitempty"`
}

// Reply is the engine's verdict on a message and the knowledge base's answer to it. Answer.Grounded is false
// (and its text empty) when the knowledge base does not answer the message: the caller must not guess.
type Reply struct {
	Classification
	Answer Answer `json:"answer"`
}

// SummaryRequest asks for a short summary for the person taking over.
type SummaryRequest struct {
	Name       string              `json:"name,omitempty"`
	Phone      string              `json:"phone"`
	Reason     handoff.Reason      `json:"reason"`
	Transcript []conversation.Line `json:"transcript"`
}

// Engine classifies, answers and summarises. Reply is the bot's turn: the verdict and the answer together.
// Implementations must be safe for concurrent use.
type Engine interface {
	Classify(ctx context.Context, req ClassifyRequest) (Classification, error)
	Reply(ctx context.Context, req ReplyRequest) (Reply, error)
	Summarize(ctx context.Context, req SummaryRequest) (string, error)
}
