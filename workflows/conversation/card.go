package conversation

import (
	"time"

	"github.com/supportd/supportd/handoff"
)

// Button is a reply button offered to the customer.
type Button struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Card is the agents' card of one handoff: who the customer is, why a person is needed, what was said and who
// holds it now. The Slack card and the console show it; every text field may hold anything a customer typed
// and is escaped where it is shown.
type Card struct {
	// Phone is the conversation key; WaID, UserID and Username identify the customer as known now.
	Phone    string         `json:"phone"`
	WaID     string         `json:"wa_id,omitempty"`
	UserID   string         `json:"user_id,omitempty"`
	Username string         `json:"username,omitempty"`
	Name     string         `json:"name"`
	Reason   handoff.Reason `json:"reason"`
	Summary  string         `json:"summary"`
	// Transcript is the end of the conversation, oldest first; Earlier counts the lines left out.
	Transcript []Line `json:"transcript"`
	Earlier    int    `json:"earlier,omitempty"`
	// Status and Assignee say who holds the conversation: waiting for a person (handoff, no assignee), taken,
	// awaiting confirmation of a return, or back with the bot (active).
	Status     Status `json:"status"`
	Assignee   string `json:"assignee,omitempty"`
	AssigneeID string `json:"assignee_id,omitempty"`
	// ChangedBy is the agent whose action last changed the card, at ChangedAt.
	ChangedBy      string        `json:"changed_by,omitempty"`
	ChangedAt      time.Time     `json:"changed_at"`
	IdleTimeout    time.Duration `json:"idle_timeout,omitempty"`
	OutOfHoursNote string        `json:"out_of_hours_note,omitempty"`
	// CSAT is the customer's rating of the help after the latest hand-back: good, ok or bad; empty when none.
	CSAT string `json:"csat,omitempty"`
	// EscalatedAt is set while the handoff waits for a person after nobody took it within UnclaimedTimeout
	// (of support hours): the card shows it overdue.
	EscalatedAt      time.Time     `json:"escalated_at,omitempty"`
	UnclaimedTimeout time.Duration `json:"unclaimed_timeout,omitempty"`
	// WindowClosesAt is set when WhatsApp's 24-hour window closes within the hour while a person holds the
	// conversation: later replies need the reply template.
	WindowClosesAt time.Time `json:"window_closes_at,omitempty"`
	// Link is the conversation's page under PUBLIC_URL; the notifier fills it in.
	Link string `json:"-"`
}

// Holder is how the agents' tool names whoever holds the conversation: the agent's id there when known (a
// Slack user id), else their name.
func (c Card) Holder() string {
	if c.AssigneeID != "" {
		return c.AssigneeID
	}
	return c.Assignee
}

// NoticeKind is what happened that agents must hear about.
type NoticeKind string

// The notices a conversation sends to agents.
const (
	// NoticeHandoff posts the handoff card.
	NoticeHandoff NoticeKind = "handoff"
	// NoticeCardUpdate refreshes the card after a state change.
	NoticeCardUpdate NoticeKind = "card_update"
	// NoticeCustomerMessage posts a customer message in the card's thread.
	NoticeCustomerMessage NoticeKind = "customer_message"
	// NoticeAgentMessage posts, in the thread, a reply an agent sent from outside the thread (the console).
	NoticeAgentMessage NoticeKind = "agent_message"
	// NoticeConfirmPrompt asks in the thread whether to return the conversation to the bot.
	NoticeConfirmPrompt NoticeKind = "confirm_prompt"
	// NoticeEscalation bumps the card of a handoff nobody took in time, in the channel, with a mention of
	// the people who must see it.
	NoticeEscalation NoticeKind = "escalation"
	// NoticeEphemeral tells one agent something only they see (e.g. who holds the conversation).
	NoticeEphemeral NoticeKind = "ephemeral"
	// NoticeNotDelivered tells, in the thread, that WhatsApp could not deliver a message (Text) and why
	// (Reason); Agent is who wrote it, empty for the bot.
	NoticeNotDelivered NoticeKind = "not_delivered"
)

// Ref locates the card in the agents' tool, so later notices can update it and reply in its thread.
type Ref struct {
	Channel string `json:"channel,omitempty"`
	TS      string `json:"ts,omitempty"`
	// PromptTS is the latest confirmation prompt in the card's thread.
	PromptTS string `json:"prompt_ts,omitempty"`
}

// Notice is one message to the agents' tool.
type Notice struct {
	Kind  NoticeKind `json:"kind"`
	Phone string     `json:"phone"`
	Ref   Ref        `json:"ref"`
	// Seq numbers the handoff the notice belongs to: each handoff has its own card.
	Seq  int    `json:"seq,omitempty"`
	Card *Card  `json:"card,omitempty"`
	Text string `json:"text,omitempty"`
	// Agent is the agent a message came from, or the one an ephemeral notice is for (a Slack user id).
	Agent string `json:"agent,omitempty"`
	// Source is where an agent's message was written.
	Source Source `json:"source,omitempty"`
	// Reason says why a message was not delivered.
	Reason string `json:"reason,omitempty"`
	// Messages are the ids of the customer messages a customer-message notice posts.
	Messages []string `json:"messages,omitempty"`
	// Tried is when the notice was first tried, when an earlier try failed (it may have landed all the
	// same): the agents' tool then looks for what that try posted before posting again.
	Tried time.Time `json:"tried,omitzero"`
}

// NoticeResult returns the card's location after a post.
type NoticeResult struct {
	Ref Ref `json:"ref"`
}

// BusinessAppAgent is the assignee of a conversation someone answered from the WhatsApp Business app: Meta
// does not say who.
const BusinessAppAgent = "WhatsApp Business app"

// Mirror is the conversation state copied to the shared store: the Redis status key and the console's list.
type Mirror struct {
	Phone        string         `json:"phone"`
	WaID         string         `json:"wa_id,omitempty"`
	UserID       string         `json:"user_id,omitempty"`
	Username     string         `json:"username,omitempty"`
	Name         string         `json:"name"`
	Status       Status         `json:"status"`
	Assignee     string         `json:"assignee,omitempty"`
	Reason       handoff.Reason `json:"reason,omitempty"`
	Summary      string         `json:"summary,omitempty"`
	LastMessage  string         `json:"last_message,omitempty"`
	LastActivity time.Time      `json:"last_activity"`
	HandoffAt    time.Time      `json:"handoff_at,omitempty"`
	// PausedFor is the expiry of the Redis "paused" status.
	PausedFor time.Duration `json:"paused_for,omitempty"`
	// Overdue is true while a handoff waits for a person after it escalated; WindowClosesAt is when the
	// 24-hour window closes while a person holds the conversation.
	Overdue        bool      `json:"overdue,omitempty"`
	WindowClosesAt time.Time `json:"window_closes_at,omitempty"`
}

// SendRecord is what is known of one tagged send (a send retried after a crash carries the same tag): the
// WhatsApp message id it got and its most advanced delivery.
type SendRecord struct {
	MessageID string
	Status    Delivery
}
