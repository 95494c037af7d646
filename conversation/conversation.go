// Package conversation holds the plain data every part of supportd shares about one customer's conversation:
// its status, its transcript lines and the snapshot shown to agents.
package conversation

import (
	"time"

	"github.com/supportd/supportd/handoff"
)

// WorkflowIDPrefix starts the id of every conversation workflow: "conversation-{key}" (docs/CONTRACT.md).
const WorkflowIDPrefix = "conversation-"

// Status is who holds the conversation (docs/CONTRACT.md).
type Status string

// The conversation statuses.
const (
	// StatusActive means the bot answers.
	StatusActive Status = "active"
	// StatusHandoff means a person has it and the bot is silent.
	StatusHandoff Status = "handoff"
	// StatusAwaitingConfirmation means the idle timeout passed with no human activity: the bot is still silent
	// and an agent has been asked to confirm the return to the bot.
	StatusAwaitingConfirmation Status = "awaiting_confirmation"
)

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool {
	return s == StatusActive || s == StatusHandoff || s == StatusAwaitingConfirmation
}

// BotSilent reports whether the bot must not speak in this status.
func (s Status) BotSilent() bool { return s == StatusHandoff || s == StatusAwaitingConfirmation }

// Who wrote a transcript line.
const (
	FromCustomer = "customer"
	FromBot      = "bot"
	FromAgent    = "agent"
	FromSystem   = "system"
)

// Entry is one line of the transcript.
type Entry struct {
	From  string    `json:"from"`
	Text  string    `json:"text"`
	At    time.Time `json:"at"`
	Agent string    `json:"agent,omitempty"`
	// ID is the WhatsApp message id of a customer or outbound message, when known.
	ID string `json:"id,omitempty"`
}

// Snapshot is the conversation as agents and the API see it.
type Snapshot struct {
	Phone              string         `json:"phone"`
	Name               string         `json:"name"`
	Status             Status         `json:"status"`
	Assignee           string         `json:"assignee"`
	HandoffReason      handoff.Reason `json:"handoff_reason"`
	HandoffReasonLabel string         `json:"handoff_reason_label"`
	Summary            string         `json:"summary"`
	HandoffAt          *time.Time     `json:"handoff_at,omitempty"`
	LastMessage        string         `json:"last_message"`
	LastActivity       time.Time      `json:"last_activity"`
	LastInbound        *time.Time     `json:"last_inbound,omitempty"`
	OutOfHoursNote     string         `json:"out_of_hours_note,omitempty"`
	TemporalURL        string         `json:"temporal_url,omitempty"`
	Transcript         []Entry        `json:"transcript,omitempty"`
	// EarlierMessages counts transcript lines no longer kept in full.
	EarlierMessages int `json:"earlier_messages,omitempty"`
}
