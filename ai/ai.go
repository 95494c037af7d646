// Package ai defines what the conversation needs from a language engine: classify a customer message,
// answer it from the knowledge base only, and summarise a conversation for the person taking over.
// Two engines implement it: the OpenAI-compatible one (package llm) and the local one (package nlp).
package ai

import (
	"context"

	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows/conversation"
)

// ClassifyRequest is one customer message to classify, with the recent questions that let the engine
// recognise the same question asked again in other words.
type ClassifyRequest struct {
	Text   string              `json:"text"`
	Recent []conversation.Turn `json:"recent,omitempty"`
}

// AnswerRequest asks for an answer grounded only in the knowledge base.
type AnswerRequest struct {
	Text  string `json:"text"`
	FAQID string `json:"faq_id,omitempty"`
	// Name is the customer's WhatsApp profile name, possibly empty.
	Name string `json:"name,omitempty"`
}

// ReplyRequest is one customer message for the bot: classify it and, when the knowledge base answers it,
// answer it, in one step (one model call for a model).
type ReplyRequest struct {
	Text   string              `json:"text"`
	Recent []conversation.Turn `json:"recent,omitempty"`
	// Name is the customer's WhatsApp profile name, possibly empty.
	Name string `json:"name,omitempty"`
}

// Reply is the engine's verdict on a message and the knowledge base's answer to it. Answer.Grounded is false
// (and its text empty) when the knowledge base does not answer the message: the caller must not guess.
type Reply struct {
	conversation.Classification
	Answer conversation.Answer `json:"answer"`
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
	Classify(ctx context.Context, req ClassifyRequest) (conversation.Classification, error)
	Reply(ctx context.Context, req ReplyRequest) (Reply, error)
	Summarize(ctx context.Context, req SummaryRequest) (string, error)
}
