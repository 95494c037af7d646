package activities

import (
	"time"

	"github.com/supportd/supportd/conversation"
	"github.com/supportd/supportd/handoff"
)

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
	// NoticeEphemeral tells one agent something only they see (e.g. who holds the conversation).
	NoticeEphemeral NoticeKind = "ephemeral"
)

// CardState is what the handoff card says about who holds the conversation.
type CardState string

// The states of a handoff card.
const (
	CardWaiting  CardState = "waiting"
	CardTaken    CardState = "taken"
	CardIdle     CardState = "awaiting_confirmation"
	CardReturned CardState = "returned"
)

// Ref locates the card in the agents' tool, so later notices can update it and reply in its thread.
type Ref struct {
	Channel string `json:"channel,omitempty"`
	TS      string `json:"ts,omitempty"`
	// PromptTS is the latest confirmation prompt in the card's thread.
	PromptTS string `json:"prompt_ts,omitempty"`
}

// Card is the content of the handoff card.
type Card struct {
	Phone          string               `json:"phone"`
	Name           string               `json:"name"`
	Reason         handoff.Reason       `json:"reason"`
	Summary        string               `json:"summary"`
	Transcript     []conversation.Entry `json:"transcript"`
	Earlier        int                  `json:"earlier,omitempty"`
	State          CardState            `json:"state"`
	Assignee       string               `json:"assignee,omitempty"`
	AssigneeID     string               `json:"assignee_id,omitempty"`
	IdleTimeout    time.Duration        `json:"idle_timeout,omitempty"`
	ChangedBy      string               `json:"changed_by,omitempty"`
	ChangedAt      time.Time            `json:"changed_at"`
	OutOfHoursNote string               `json:"out_of_hours_note,omitempty"`
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
	// Source is where an agent's message was written (console, slack, api).
	Source string `json:"source,omitempty"`
}

// Where an agent's action came from.
const (
	SourceSlack   = "slack"
	SourceConsole = "console"
)

// NoticeResult returns the card's location after a post.
type NoticeResult struct {
	Ref Ref `json:"ref"`
}

// Mirror is the conversation state copied to the shared store: the Redis status key and the console's list.
type Mirror struct {
	Phone        string              `json:"phone"`
	Name         string              `json:"name"`
	Status       conversation.Status `json:"status"`
	Assignee     string              `json:"assignee,omitempty"`
	Reason       handoff.Reason      `json:"reason,omitempty"`
	Summary      string              `json:"summary,omitempty"`
	LastMessage  string              `json:"last_message,omitempty"`
	LastActivity time.Time           `json:"last_activity"`
	HandoffAt    time.Time           `json:"handoff_at,omitempty"`
	// PausedFor is the expiry of the Redis "paused" status.
	PausedFor time.Duration `json:"paused_for,omitempty"`
}
