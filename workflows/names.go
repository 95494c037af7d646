// Package workflows holds the conversation state machine: one ConversationWorkflow per customer phone number,
// deciding whether the bot answers or a person does. Its decisions are plain functions (decide.go); the
// workflow only sequences them with activities and timers.
package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/conversation"
	"github.com/supportd/supportd/handoff"
)

// WorkflowName is the registered name of the conversation workflow.
const WorkflowName = "ConversationWorkflow"

// Signal, update and query names of the conversation workflow.
const (
	// SignalCustomerMessage delivers one inbound WhatsApp message (SignalWithStart from the gateway).
	SignalCustomerMessage = "customer-message"
	// UpdateTakeover hands the conversation to an agent; it completes once the bot is silent.
	UpdateTakeover = "takeover"
	// UpdateReply sends an agent's reply to the customer.
	UpdateReply = "agent-reply"
	// UpdateReturnToBot returns the conversation to the bot.
	UpdateReturnToBot = "return-to-bot"
	// UpdateKeep keeps the conversation with a person and restarts the idle timer.
	UpdateKeep = "keep"
	// UpdateActivity reports agents working on the conversation (an internal note), which restarts the idle
	// timer of a handoff.
	UpdateActivity = "agent-activity"
	// QueryStatus returns the conversation without its transcript.
	QueryStatus = "status"
	// QueryTranscript returns the transcript.
	QueryTranscript = "transcript"
	// QueryConversation returns the conversation with its transcript.
	QueryConversation = "conversation"
)

// Search attributes kept current by the workflow, so the Temporal UI can list conversations by status.
var (
	// SupportStatusKey holds the conversation status (active, handoff, awaiting_confirmation).
	SupportStatusKey = temporal.NewSearchAttributeKeyKeyword("SupportStatus")
	// CustomerPhoneKey holds the customer's wa_id.
	CustomerPhoneKey = temporal.NewSearchAttributeKeyKeyword("CustomerPhone")
)

// Reply button ids of the offer of a person (CONTRACT.md).
const (
	ButtonHandoffYes = "handoff_yes"
	ButtonHandoffNo  = "handoff_no"
)

// Application error types returned by the updates, which callers map to their own answers.
const (
	ErrTypeBotHolds       = "BotHoldsConversation"
	ErrTypeNotAssignee    = "NotAssignee"
	ErrTypeInvalidText    = "InvalidText"
	ErrTypeAlreadyWithBot = "AlreadyWithBot"
	ErrTypeInvalidRequest = "InvalidRequest"
	ErrTypeWindowClosed   = activities.ErrTypeWindowClosed
	ErrTypeRejected       = activities.ErrTypeRejected
)

// MaxTextLength is WhatsApp's limit on a text message body.
const MaxTextLength = 4096

// WorkflowID is the id of a customer's conversation workflow.
func WorkflowID(phone string) string { return "conversation-" + phone }

// MessageKind is what sort of WhatsApp message a customer sent.
type MessageKind string

// The kinds of customer message.
const (
	KindText        MessageKind = "text"
	KindButton      MessageKind = "button"
	KindMedia       MessageKind = "media"
	KindVoice       MessageKind = "voice"
	KindLocation    MessageKind = "location"
	KindContacts    MessageKind = "contacts"
	KindReaction    MessageKind = "reaction"
	KindUnsupported MessageKind = "unsupported"
	KindSystem      MessageKind = "system"
)

// CustomerMessage is one inbound WhatsApp message, as the gateway delivers it.
type CustomerMessage struct {
	ID    string      `json:"id"`
	Phone string      `json:"phone"`
	Name  string      `json:"name,omitempty"`
	Kind  MessageKind `json:"kind"`
	// Text is the message text, a button's title, or a description of a non-text message ("[image] caption").
	Text     string `json:"text"`
	ButtonID string `json:"button_id,omitempty"`
	// At is when the customer sent it; ReceivedAt when the gateway received it.
	At         time.Time `json:"at"`
	ReceivedAt time.Time `json:"received_at,omitempty"`
	// Held is set when the message arrived while a person held the conversation: it is theirs to answer,
	// even if the conversation is back with the bot by the time it is handled.
	Held bool `json:"held,omitempty"`
}

// Input starts a conversation workflow, or continues one after continue-as-new.
type Input struct {
	Phone string `json:"phone"`
	Name  string `json:"name,omitempty"`
	// State is the conversation carried over by continue-as-new; nil for a new conversation.
	State *State `json:"state,omitempty"`
}

// TakeoverRequest asks to hand the conversation to an agent.
type TakeoverRequest struct {
	Agent string `json:"agent"`
	// AgentID identifies the agent in Slack (user id); empty for the console and API.
	AgentID string `json:"agent_id,omitempty"`
}

// TakeoverResult says who holds the conversation after a takeover.
type TakeoverResult struct {
	Assignee string `json:"assignee"`
	// AlreadyAssigned is true when another agent held it: nothing changed.
	AlreadyAssigned bool                `json:"already_assigned"`
	Status          conversation.Status `json:"status"`
}

// Source of an agent's action.
const (
	SourceSlack   = "slack"
	SourceConsole = "console"
)

// ReplyRequest is an agent's reply to the customer.
type ReplyRequest struct {
	Agent   string `json:"agent"`
	AgentID string `json:"agent_id,omitempty"`
	Text    string `json:"text"`
	Source  string `json:"source,omitempty"`
	// ThreadTS is the Slack thread the reply was written in.
	ThreadTS string `json:"thread_ts,omitempty"`
}

// ReplyResult carries the WhatsApp id of the sent reply.
type ReplyResult struct {
	MessageID string `json:"message_id"`
}

// AgentRequest is an agent's return-to-bot or keep decision.
type AgentRequest struct {
	Agent   string `json:"agent"`
	AgentID string `json:"agent_id,omitempty"`
}

// State is everything the conversation remembers; it is carried over by continue-as-new.
type State struct {
	Phone          string              `json:"phone"`
	Name           string              `json:"name,omitempty"`
	Status         conversation.Status `json:"status"`
	Assignee       string              `json:"assignee,omitempty"`
	AssigneeID     string              `json:"assignee_id,omitempty"`
	Reason         handoff.Reason      `json:"reason,omitempty"`
	HandoffAt      time.Time           `json:"handoff_at,omitempty"`
	Summary        string              `json:"summary,omitempty"`
	OutOfHoursNote string              `json:"out_of_hours_note,omitempty"`
	IdleDeadline   time.Time           `json:"idle_deadline,omitempty"`
	IdleTimeout    time.Duration       `json:"idle_timeout,omitempty"`
	BusinessName   string              `json:"business_name,omitempty"`

	Transcript []conversation.Entry `json:"transcript,omitempty"`
	Earlier    int                  `json:"earlier,omitempty"`

	// Seen holds the most recent inbound message ids, for deduplication.
	Seen []string `json:"seen,omitempty"`
	// Pending are accepted customer messages not yet handled.
	Pending []CustomerMessage `json:"pending,omitempty"`

	LastInbound  time.Time `json:"last_inbound,omitempty"`
	LastActivity time.Time `json:"last_activity,omitempty"`
	LastMessage  string    `json:"last_message,omitempty"`

	Recent []ai.Turn `json:"recent,omitempty"`
	Repeat Repeat    `json:"repeat"`
	Offer  Offer     `json:"offer"`

	// Generation changes with every change of who holds the conversation; work started under an older
	// generation must not speak.
	Generation int `json:"generation"`

	// Slack says whether this handoff is announced in Slack.
	Slack bool `json:"slack,omitempty"`
	// HandoffSeq numbers handoffs; each has its own card.
	HandoffSeq int                 `json:"handoff_seq,omitempty"`
	Cards      []CardRef           `json:"cards,omitempty"`
	Notices    []activities.Notice `json:"notices,omitempty"`
	Effects    []Effect            `json:"effects,omitempty"`
}

// CardRef locates the card of one handoff.
type CardRef struct {
	Seq int            `json:"seq"`
	Ref activities.Ref `json:"ref"`
}

// Offer is an open offer of a person, made with the handoff_yes / handoff_no buttons.
type Offer struct {
	Pending bool           `json:"pending,omitempty"`
	Reason  handoff.Reason `json:"reason,omitempty"`
}

// EffectKind is follow-up work after a change of who holds the conversation.
type EffectKind string

// The effects the main loop carries out.
const (
	EffectHandoff  EffectKind = "handoff"
	EffectIdle     EffectKind = "idle"
	EffectReturned EffectKind = "returned"
	EffectKept     EffectKind = "kept"
)

// Effect is one piece of follow-up work, tagged with the generation it belongs to.
type Effect struct {
	Kind       EffectKind `json:"kind"`
	Generation int        `json:"generation"`
	Agent      string     `json:"agent,omitempty"`
}
