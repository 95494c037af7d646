package slackapp

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// ErrNoSigningSecret is returned by Verify when no signing secret is configured: requests are then refused, never
// accepted unchecked.
var ErrNoSigningSecret = errors.New("no slack signing secret configured")

// Verify checks that a request came from Slack: a v0 signature over the timestamp and the raw body, made with
// signingSecret, compared in constant time, with a timestamp within five minutes of now. Missing headers, a
// stale timestamp, a bad signature or an empty secret are errors. Call it on the raw body before parsing.
func Verify(header http.Header, body []byte, signingSecret string) error {
	if signingSecret == "" {
		return fmt.Errorf("verify slack request: %w", ErrNoSigningSecret)
	}
	verifier, err := slack.NewSecretsVerifier(header, signingSecret)
	if err != nil {
		return fmt.Errorf("verify slack request: %w", err)
	}
	if _, err := verifier.Write(body); err != nil {
		return fmt.Errorf("verify slack request: %w", err)
	}
	if err := verifier.Ensure(); err != nil {
		return fmt.Errorf("verify slack request: %w", err)
	}
	return nil
}

// InteractionBlockActions is the Interaction.Type of a button press.
const InteractionBlockActions = "block_actions"

// Interaction is a button press (or another interaction) reported by Slack.
type Interaction struct {
	Type        string // InteractionBlockActions for a button press
	UserID      string
	UserName    string
	TeamID      string
	ChannelID   string
	MessageTS   string // the message that carries the button: the card, or the prompt in its thread
	ThreadTS    string // the thread of that message, when it is a reply (the prompt)
	ResponseURL string
	TriggerID   string
	Actions     []Action
}

// Action is one pressed button.
type Action struct {
	ActionID string // ActionTake, ActionReturn or ActionKeep
	BlockID  string
	Value    string // the customer's wa_id
	ActionTS string // when the button was pressed; with the user, it identifies the press
}

// ParseInteraction reads an interaction request body, the form `payload=<json>` that Slack posts to the
// interactivity URL. Verify the body first.
func ParseInteraction(body []byte) (Interaction, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return Interaction{}, fmt.Errorf("parse slack interaction: %w", err)
	}
	payload := form.Get("payload")
	if payload == "" {
		return Interaction{}, errors.New("parse slack interaction: payload is empty")
	}
	return parseInteractionFields(payload)
}

// interactionFields is the part of an interaction payload that a button press needs. The payload is decoded
// into these fields alone, not into slack-go's InteractionCallback: that also decodes the message carrying
// the button, blocks and all, and fails the whole payload on a block shape it does not know.
type interactionFields struct {
	Type string `json:"type"`
	User struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Name     string `json:"name"`
		TeamID   string `json:"team_id"`
	} `json:"user"`
	Team struct {
		ID string `json:"id"`
	} `json:"team"`
	Channel struct {
		ID string `json:"id"`
	} `json:"channel"`
	Container struct {
		MessageTS string `json:"message_ts"`
		ThreadTS  string `json:"thread_ts"`
		ChannelID string `json:"channel_id"`
	} `json:"container"`
	Message struct {
		TS       string `json:"ts"`
		ThreadTS string `json:"thread_ts"`
	} `json:"message"`
	ResponseURL string            `json:"response_url"`
	TriggerID   string            `json:"trigger_id"`
	Actions     []json.RawMessage `json:"actions"`
}

type actionFields struct {
	ActionID string `json:"action_id"`
	BlockID  any    `json:"block_id"`
	Value    string `json:"value"`
	ActionTS string `json:"action_ts"`
}

func parseInteractionFields(payload string) (Interaction, error) {
	var f interactionFields
	if err := json.Unmarshal([]byte(payload), &f); err != nil {
		return Interaction{}, fmt.Errorf("parse slack interaction: %w", err)
	}
	in := Interaction{
		Type:        f.Type,
		UserID:      f.User.ID,
		UserName:    firstNonEmpty(f.User.Username, f.User.Name),
		TeamID:      firstNonEmpty(f.Team.ID, f.User.TeamID),
		ChannelID:   firstNonEmpty(f.Container.ChannelID, f.Channel.ID),
		MessageTS:   firstNonEmpty(f.Container.MessageTS, f.Message.TS),
		ThreadTS:    firstNonEmpty(f.Container.ThreadTS, f.Message.ThreadTS),
		ResponseURL: f.ResponseURL,
		TriggerID:   f.TriggerID,
	}
	for _, raw := range f.Actions {
		var a actionFields
		if err := json.Unmarshal(raw, &a); err != nil {
			return Interaction{}, fmt.Errorf("parse slack interaction action: %w", err)
		}
		// Only an action with a string block_id comes from a block (as slack-go reads block_actions).
		if blockID, ok := a.BlockID.(string); ok {
			in.Actions = append(in.Actions, Action{ActionID: a.ActionID, BlockID: blockID, Value: a.Value, ActionTS: a.ActionTS})
		}
	}
	return in, nil
}

// EventKind is what an Events API request asks of the product.
type EventKind string

// The kinds of Events API requests.
const (
	EventURLVerification EventKind = "url_verification" // answer with Event.Challenge
	EventMessage         EventKind = "message"          // a message posted in a channel the app is in
	EventIgnored         EventKind = "ignored"          // anything else: acknowledge and drop
)

// Event is an Events API request, reduced to what the handoff thread needs.
type Event struct {
	Kind      EventKind
	Type      string // Slack's type of the inner event ("message", "reaction_added", …) or of the request
	Challenge string // EventURLVerification only

	EventID     string // the same for Slack's retries of one event
	TeamID      string
	Channel     string
	User        string
	Text        string // Slack mrkdwn; see PlainText
	TS          string
	ThreadTS    string // the thread root's ts for a reply
	BotID       string
	SubType     string // "bot_message", "message_changed", "message_deleted", …
	ChannelType string
}

// IsThreadReply reports whether the message is a reply in a thread rather than the thread's root.
func (e Event) IsThreadReply() bool { return e.ThreadTS != "" && e.ThreadTS != e.TS }

// ParseEvent reads an Events API request body. Verify the body first: the legacy verification token in the
// body is not checked.
func ParseEvent(body []byte) (Event, error) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		return parseRefused(body, err)
	}
	switch ev.Type {
	case slackevents.URLVerification:
		v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
		if !ok {
			return Event{}, errors.New("parse slack event: url_verification without a challenge")
		}
		return Event{Kind: EventURLVerification, Type: ev.Type, Challenge: v.Challenge}, nil
	case slackevents.CallbackEvent:
		outer, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
		if !ok {
			return Event{}, errors.New("parse slack event: event_callback without an event")
		}
		m, _ := ev.InnerEvent.Data.(*slackevents.MessageEvent)
		return callbackEvent(outer, ev.InnerEvent.Type, m), nil
	case "":
		return Event{}, errors.New("parse slack event: no type")
	}
	return Event{Kind: EventIgnored, Type: ev.Type, TeamID: ev.TeamID}, nil
}

// callbackEvent is the event_callback outer around an inner event of type inner, which m holds when it is a
// message.
func callbackEvent(outer *slackevents.EventsAPICallbackEvent, inner string, m *slackevents.MessageEvent) Event {
	e := Event{Kind: EventIgnored, Type: inner, EventID: outer.EventID, TeamID: outer.TeamID}
	if m != nil {
		e.Kind = EventMessage
		e.Channel, e.User, e.Text = m.Channel, m.User, m.Text
		e.TS, e.ThreadTS = m.TimeStamp, m.ThreadTimeStamp
		e.BotID, e.SubType, e.ChannelType = m.BotID, m.SubType, m.ChannelType
	}
	return e
}

// messageFields are the fields of a message event that the product reads, as slackevents.MessageEvent names
// them.
type messageFields struct {
	Channel         string `json:"channel"`
	User            string `json:"user"`
	Text            string `json:"text"`
	TimeStamp       string `json:"ts"`
	ThreadTimeStamp string `json:"thread_ts"`
	BotID           string `json:"bot_id"`
	SubType         string `json:"subtype"`
	ChannelType     string `json:"channel_type"`
}

// parseRefused reads an event_callback that slack-go refuses as a whole: one whose inner event type it does not
// know, or a message event with a part it cannot decode, such as blocks of a newer shape. Neither may lose an
// agent's reply or fail Slack's delivery, so the envelope is read as slack-go reads it, and a message again with
// only the fields the product reads.
func parseRefused(body []byte, slackErr error) (Event, error) {
	refused := fmt.Errorf("parse slack event: %w", slackErr)
	var outer slackevents.EventsAPICallbackEvent
	var inner slack.Event
	if json.Unmarshal(body, &outer) != nil || outer.Type != slackevents.CallbackEvent || outer.InnerEvent == nil ||
		json.Unmarshal(*outer.InnerEvent, &inner) != nil {
		return Event{}, refused
	}
	if inner.Type != string(slackevents.Message) {
		return callbackEvent(&outer, inner.Type, nil), nil
	}
	var m messageFields
	if json.Unmarshal(*outer.InnerEvent, &m) != nil {
		return Event{}, refused
	}
	return callbackEvent(&outer, inner.Type, &slackevents.MessageEvent{
		Channel: m.Channel, User: m.User, Text: m.Text, TimeStamp: m.TimeStamp, ThreadTimeStamp: m.ThreadTimeStamp,
		BotID: m.BotID, SubType: m.SubType, ChannelType: m.ChannelType,
	}), nil
}

// IsNote reports whether an agent's thread reply is an internal note: it starts with `//`.
func IsNote(text string) bool { return strings.HasPrefix(strings.TrimSpace(text), "//") }

// IsFromBot reports whether a message event was posted by a bot or is not a plain new message (an edit, a
// deletion, a channel join, …): docs/CONTRACT.md ignores every message with a bot_id or any subtype.
func IsFromBot(ev Event) bool { return ev.BotID != "" || ev.SubType != "" }

// slackToken matches one of Slack's control sequences in message text: <@U123>, <#C123|name>, <!here>,
// <https://x|label>, <mailto:a@b|a@b>.
var slackToken = regexp.MustCompile(`<([^<>]*)>`)

// unescapeReplacer undoes the escaping of Slack message text in one pass, so "&amp;lt;" becomes "&lt;".
var unescapeReplacer = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// PlainText turns an agent's Slack message into text for WhatsApp: links become "label (url)" or the bare url,
// mailto and tel links their address, mentions stay readable ("@U123", "@alice", "#general", "@here"), and
// `&lt;`, `&gt;`, `&amp;` become `<`, `>`, `&`. Bold, italic, strike-through and code marks are left alone:
// WhatsApp reads them the same way.
func PlainText(text string) string { return slackToPlain(text, nil) }

func slackToPlain(text string, userName func(userID string) string) string {
	text = slackToken.ReplaceAllStringFunc(text, func(token string) string {
		inner := token[1 : len(token)-1]
		target, label, _ := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"):
			if label != "" {
				return "@" + strings.TrimPrefix(label, "@")
			}
			id := target[1:]
			if userName != nil {
				if name := userName(id); name != "" {
					return "@" + name
				}
			}
			return "@" + id
		case strings.HasPrefix(target, "#"):
			if label != "" {
				return "#" + strings.TrimPrefix(label, "#")
			}
			return target
		case strings.HasPrefix(target, "!"):
			if label != "" {
				return label
			}
			command, _, _ := strings.Cut(target[1:], "^")
			return "@" + command
		case strings.HasPrefix(target, "mailto:"), strings.HasPrefix(target, "tel:"):
			_, address, _ := strings.Cut(target, ":")
			if label == "" || label == address {
				return address
			}
			return label + " (" + address + ")"
		}
		if label == "" || label == target || label == strings.TrimPrefix(strings.TrimPrefix(target, "https://"), "http://") {
			return target
		}
		return label + " (" + target + ")"
	})
	return unescapeReplacer.Replace(text)
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
