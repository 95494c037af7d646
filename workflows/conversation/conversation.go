// Package conversation is the vocabulary of a customer's conversation that the workflow and every adapter
// share: its status, a transcript line, the agents' card, a reply button, the notices for agents, the status
// mirror, and the interfaces the workflow needs from the outside world (sending to the customer, notifying
// agents, mirroring the status). One type per concept, from the workflow down to the adapters, which map them
// to their wire formats (WhatsApp, Slack, Redis) at the edge only. The workflow itself, its state machine
// and its decisions are in the parent package, workflows.
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

// Line is one line of the transcript, as the workflow keeps it, the API returns it, the Slack card and the
// summariser read it.
type Line struct {
	From  string    `json:"from"`
	Text  string    `json:"text"`
	At    time.Time `json:"at"`
	Agent string    `json:"agent,omitempty"`
	// Source is where an agent's line was written.
	Source Source `json:"source,omitempty"`
	// ID is the WhatsApp message id of a customer or outbound message, when known.
	ID string `json:"id,omitempty"`
	// Delivery is what WhatsApp last reported about an outbound message; Error says why it failed.
	Delivery Delivery `json:"delivery,omitempty"`
	Error    string   `json:"error,omitempty"`
	// Cut is set when Text is only the beginning of what was written: the conversation keeps a bounded
	// amount of text, and says here where the whole of it is.
	Cut *Cut `json:"truncated,omitempty"`
}

// Cut says how long a line's whole text is and where it can be read.
type Cut struct {
	// Length is the whole text's length in characters.
	Length int `json:"length"`
	// In is where the whole text is kept: CutInHistory.
	In string `json:"in"`
	// RunID is the conversation's run whose Temporal history holds the whole text (the customer message
	// signal with the line's ID).
	RunID string `json:"run_id,omitempty"`
	// URL is where the API serves the whole text; the gateway fills it in.
	URL string `json:"url,omitempty"`
}

// CutInHistory: the whole text is the message as the conversation received it, in its run's Temporal history
// (GET /api/conversations/{phone}/messages/{id}).
const CutInHistory = "history"

// Source is where an agent's action or message came from (docs/CONTRACT.md).
type Source string

// The sources of agents' actions.
const (
	SourceConsole     Source = "console"
	SourceSlack       Source = "slack"
	SourceAPI         Source = "api"
	SourceBusinessApp Source = "business_app"
)

// Delivery is what is known of an outbound message: the Graph API took it (accepted), then what WhatsApp's
// status webhooks reported.
type Delivery string

// The delivery states of an outbound message.
const (
	DeliveryAccepted  Delivery = "accepted"
	DeliverySent      Delivery = "sent"
	DeliveryDelivered Delivery = "delivered"
	DeliveryRead      Delivery = "read"
	DeliveryFailed    Delivery = "failed"
)

// deliveryRank orders what can be known about a message, from least to most advanced: a late or redelivered
// status never replaces a later one (a late "sent" never overwrites "read"). A failure outranks "sent",
// which WhatsApp may report before it gives up, but not "delivered".
var deliveryRank = map[Delivery]int{DeliveryAccepted: 0, DeliverySent: 1, DeliveryFailed: 2, DeliveryDelivered: 3, DeliveryRead: 4}

// Rank orders deliveries; -1 for an unknown one.
func (d Delivery) Rank() int {
	if r, ok := deliveryRank[d]; ok {
		return r
	}
	return -1
}

// Known reports whether d is one of the delivery states.
func (d Delivery) Known() bool { return d.Rank() >= 0 }

// Snapshot is the conversation as agents and the API see it.
type Snapshot struct {
	// Phone is the conversation key: the customer's wa_id, or their business-scoped user ID when the first
	// message had no phone. WaID and UserID are the identifiers known now; Username the WhatsApp username.
	Phone              string         `json:"phone"`
	WaID               string         `json:"wa_id,omitempty"`
	UserID             string         `json:"user_id,omitempty"`
	Username           string         `json:"username,omitempty"`
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
	// Overdue is true while a handoff waits for a person after nobody took it within
	// HANDOFF_UNCLAIMED_TIMEOUT; EscalatedAt is when it escalated.
	Overdue     bool       `json:"overdue,omitempty"`
	EscalatedAt *time.Time `json:"escalated_at,omitempty"`
	// WindowClosesAt is when WhatsApp's 24-hour window closes (or closed) while a person holds the
	// conversation: after it, replies go out as the reply template.
	WindowClosesAt *time.Time `json:"window_closes_at,omitempty"`
	TemporalURL    string     `json:"temporal_url,omitempty"`
	Transcript     []Line     `json:"transcript,omitempty"`
	// EarlierMessages counts transcript lines no longer kept in full.
	EarlierMessages int `json:"earlier_messages,omitempty"`
	// Outbound counts the messages sent to the customer, by kind (answer, offer, handoff_notice, agent...):
	// every one is billed (docs/CONTRACT.md).
	Outbound map[string]int `json:"outbound,omitempty"`
	// CSAT is the customer's rating of the help after the latest hand-back: good, ok or bad; empty when none.
	CSAT string `json:"csat,omitempty"`
}
