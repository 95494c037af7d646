package slackapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/internal/metrics"
	"github.com/supportd/supportd/workflows/conversation"
)

// ThreadIndex remembers which conversation a Slack thread belongs to, so that agents' thread replies reach
// the right customer.
type ThreadIndex interface {
	SaveThread(ctx context.Context, channel, ts, phone string) error
}

// Notifier posts the conversation's notices to a Slack channel: handoff cards, thread messages and
// confirmation prompts. It returns Slack's errors as they are (IsRetryable, RetryAfter tell what to do).
type Notifier struct {
	Client    *Client
	Channel   string
	PublicURL string
	// Mention is who an escalation mentions (SLACK_ESCALATION_MENTION: <!subteam^S0123>, <!here>); empty for
	// no one.
	Mention string
	Threads ThreadIndex
	Metrics *metrics.Metrics
	Logger  *slog.Logger
}

// Attempt says whether an earlier try of a notice may have landed (a retry), and since when it has been tried.
type Attempt struct {
	Retry bool
	Since time.Time
}

// ErrUnknownNotice is a notice of a kind the notifier does not know: trying again cannot help.
var ErrUnknownNotice = errors.New("unknown notice")

// Notify carries out one notice, at attempt at.
func (n *Notifier) Notify(ctx context.Context, no conversation.Notice, at Attempt) (conversation.NoticeResult, error) {
	ref := no.Ref
	if ref.Channel == "" {
		ref.Channel = n.Channel
	}
	var err error
	switch no.Kind {
	case conversation.NoticeHandoff:
		var ts string
		ts, err = n.postCard(ctx, ref.Channel, no, at)
		if err == nil {
			ref.TS = ts
			if n.Threads != nil {
				if terr := n.Threads.SaveThread(ctx, ref.Channel, ts, no.Phone); terr != nil && n.Logger != nil {
					n.Logger.Warn("slack thread not indexed; agents' replies in it will not reach the customer", logx.Phone(no.Phone), "error", terr)
				}
			}
		}
	case conversation.NoticeCardUpdate:
		if err = n.Client.UpdateCard(ctx, ref.Channel, ref.TS, n.card(no)); err == nil && ref.PromptTS != "" {
			if p, ok := n.answeredPrompt(no); ok {
				err = n.Client.UpdatePrompt(ctx, ref.Channel, ref.PromptTS, p)
				if err == nil {
					ref.PromptTS = ""
				}
			}
		}
	case conversation.NoticeCustomerMessage:
		_, err = n.Client.PostThread(ctx, ref.Channel, ref.TS, CustomerText(no.Text))
	case conversation.NoticeAgentMessage:
		if no.Source != conversation.SourceSlack { // a reply written in the thread is there already
			_, err = n.Client.PostThread(ctx, ref.Channel, ref.TS, AgentText(no.Agent, no.Text))
		}
	case conversation.NoticeNotDelivered:
		_, err = n.Client.PostThread(ctx, ref.Channel, ref.TS, NotDeliveredText(no.Agent, no.Text, no.Reason))
	case conversation.NoticeConfirmPrompt:
		p := Prompt{Phone: no.Phone}
		if no.Card != nil {
			p.Assignee, p.Idle = no.Card.Holder(), no.Card.IdleTimeout
		}
		var ts string
		if ts, err = n.Client.PostPrompt(ctx, ref.Channel, ref.TS, p); err == nil {
			ref.PromptTS = ts
		}
	case conversation.NoticeEscalation:
		card := n.card(no)
		if err = n.Client.UpdateCard(ctx, ref.Channel, ref.TS, card); err == nil {
			_, err = n.Client.PostBroadcast(ctx, ref.Channel, ref.TS, EscalationText(n.Mention, card))
		}
	case conversation.NoticeEphemeral:
		err = n.Client.PostEphemeral(ctx, ref.Channel, no.Agent, no.Text, ref.TS)
	default:
		return conversation.NoticeResult{Ref: ref}, fmt.Errorf("%w %q", ErrUnknownNotice, no.Kind)
	}
	if err != nil {
		n.Metrics.DownstreamError("slack", 0)
		return conversation.NoticeResult{}, err
	}
	return conversation.NoticeResult{Ref: ref}, nil
}

// postCard posts the handoff's card. A retry first looks for the card an earlier attempt may have posted: a post
// that timed out, or that Slack answered 5xx, can be in the channel all the same, and posting it again would
// show agents two cards (two threads) for one handoff. The card is found by its message metadata (the
// conversation and the handoff's number) among the channel's newest messages. When Slack cannot say (busy, or
// rate limited: a commercially distributed app outside the Marketplace gets one conversations.history call a
// minute), the notice is tried again later rather than risk a second card; when it refuses to (a token without
// the history scope), the card is posted again.
func (n *Notifier) postCard(ctx context.Context, channel string, no conversation.Notice, at Attempt) (string, error) {
	id := CardID{Conversation: no.Phone, Handoff: no.Seq}
	if at.Retry {
		ts, found, err := n.Client.FindCard(ctx, channel, id, at.Since)
		switch {
		case err == nil && found:
			n.Metrics.DedupeHit("slack_card")
			n.log().Info("handoff card posted by an earlier attempt found; not posted again", logx.Phone(no.Phone), "ts", ts)
			return ts, nil
		case err != nil && IsRetryable(err):
			return "", err
		case err != nil:
			n.log().Warn("earlier handoff card not looked for; posting it again, perhaps twice", logx.Phone(no.Phone), "error", err)
		}
	}
	return n.Client.PostCard(ctx, channel, id, n.card(no))
}

func (n *Notifier) log() *slog.Logger {
	if n.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return n.Logger
}

// answeredPrompt is the confirmation prompt's final look once an agent kept or returned the conversation.
func (n *Notifier) answeredPrompt(no conversation.Notice) (Prompt, bool) {
	c := no.Card
	if c == nil {
		return Prompt{}, false
	}
	p := Prompt{Phone: no.Phone, Assignee: c.Holder(), Idle: c.IdleTimeout, By: c.ChangedBy, At: c.ChangedAt}
	switch c.Status {
	case conversation.StatusActive:
		p.Outcome = PromptReturned
	case conversation.StatusHandoff:
		p.Outcome = PromptKept
		if p.By == "" {
			p.By = c.Holder()
		}
	default:
		return p, false
	}
	return p, true
}

// card is the notice's card with its link under PUBLIC_URL.
func (n *Notifier) card(no conversation.Notice) conversation.Card {
	c := conversation.Card{Phone: no.Phone, Status: conversation.StatusHandoff}
	if no.Card != nil {
		c = *no.Card
	}
	c.Link = ConversationLink(n.PublicURL, c.Phone)
	return c
}

// ConversationLink is the agent console's page for a conversation, under PUBLIC_URL.
func ConversationLink(publicURL, phone string) string {
	return strings.TrimRight(publicURL, "/") + "/agent/#/conversations/" + phone
}
