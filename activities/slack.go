package activities

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/internal/metrics"
	"github.com/supportd/supportd/slackapp"
	"github.com/supportd/supportd/workflows/conversation"
)

// ErrTypeSlackRateLimited marks a Slack 429: retried after Slack's Retry-After.
const ErrTypeSlackRateLimited = "SlackRateLimited"

// ThreadIndex remembers which conversation a Slack thread belongs to, so that agents' thread replies reach
// the right customer.
type ThreadIndex interface {
	SaveThread(ctx context.Context, channel, ts, phone string) error
}

// SlackNotifier posts handoff cards, thread messages and confirmation prompts to a Slack channel.
type SlackNotifier struct {
	Client    *slackapp.Client
	Channel   string
	PublicURL string
	// Mention is who an escalation mentions (SLACK_ESCALATION_MENTION: <!subteam^S0123>, <!here>); empty for
	// no one.
	Mention string
	Threads ThreadIndex
	Metrics *metrics.Metrics
	Logger  *slog.Logger
}

// Notify carries out one notice. Slack failures are classified: 429 waits for Retry-After, 5xx and network
// errors retry, anything else (a missing channel, a revoked token) is final.
func (n *SlackNotifier) Notify(ctx context.Context, no conversation.Notice) (conversation.NoticeResult, error) {
	ref := no.Ref
	if ref.Channel == "" {
		ref.Channel = n.Channel
	}
	var err error
	switch no.Kind {
	case conversation.NoticeHandoff:
		var ts string
		ts, err = n.postCard(ctx, ref.Channel, no, noticeAttemptOf(ctx, no))
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
		_, err = n.Client.PostThread(ctx, ref.Channel, ref.TS, slackapp.CustomerText(no.Text))
	case conversation.NoticeAgentMessage:
		if no.Source != conversation.SourceSlack { // a reply written in the thread is there already
			_, err = n.Client.PostThread(ctx, ref.Channel, ref.TS, slackapp.AgentText(no.Agent, no.Text))
		}
	case conversation.NoticeNotDelivered:
		_, err = n.Client.PostThread(ctx, ref.Channel, ref.TS, slackapp.NotDeliveredText(no.Agent, no.Text, no.Reason))
	case conversation.NoticeConfirmPrompt:
		p := slackapp.Prompt{Phone: no.Phone}
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
			_, err = n.Client.PostBroadcast(ctx, ref.Channel, ref.TS, slackapp.EscalationText(n.Mention, card))
		}
	case conversation.NoticeEphemeral:
		err = n.Client.PostEphemeral(ctx, ref.Channel, no.Agent, no.Text, ref.TS)
	default:
		return conversation.NoticeResult{Ref: ref}, temporal.NewNonRetryableApplicationError("unknown notice "+string(no.Kind), ErrTypeRejected, nil)
	}
	if err != nil {
		return conversation.NoticeResult{}, n.slackError(no, err)
	}
	return conversation.NoticeResult{Ref: ref}, nil
}

// noticeAttempt is what the activity's attempt says about an earlier one: whether there was one, and since when
// the notice has been tried (its first attempt's scheduling, or, for a notice the conversation tries again in a
// new activity, when it was first tried).
type noticeAttempt struct {
	retry bool
	since time.Time
}

func noticeAttemptOf(ctx context.Context, no conversation.Notice) noticeAttempt {
	if !no.Tried.IsZero() {
		return noticeAttempt{retry: true, since: no.Tried}
	}
	if !activity.IsActivity(ctx) {
		return noticeAttempt{}
	}
	info := activity.GetInfo(ctx)
	return noticeAttempt{retry: info.Attempt > 1, since: info.ScheduledTime}
}

// postCard posts the handoff's card. A retry first looks for the card an earlier attempt may have posted: a post
// that timed out, or that Slack answered 5xx, can be in the channel all the same, and posting it again would
// show agents two cards (two threads) for one handoff. The card is found by its message metadata (the
// conversation and the handoff's number) among the channel's newest messages. When Slack cannot say (busy, or
// rate limited: a commercially distributed app outside the Marketplace gets one conversations.history call a
// minute), the activity tries again later rather than risk a second card; when it refuses to (a token without
// the history scope), the card is posted again.
func (n *SlackNotifier) postCard(ctx context.Context, channel string, no conversation.Notice, at noticeAttempt) (string, error) {
	id := slackapp.CardID{Conversation: no.Phone, Handoff: no.Seq}
	if at.retry {
		ts, found, err := n.Client.FindCard(ctx, channel, id, at.since)
		switch {
		case err == nil && found:
			n.Metrics.DedupeHit("slack_card")
			n.log().Info("handoff card posted by an earlier attempt found; not posted again", logx.Phone(no.Phone), "ts", ts)
			return ts, nil
		case err != nil && slackapp.IsRetryable(err):
			return "", err
		case err != nil:
			n.log().Warn("earlier handoff card not looked for; posting it again, perhaps twice", logx.Phone(no.Phone), "error", err)
		}
	}
	return n.Client.PostCard(ctx, channel, id, n.card(no))
}

func (n *SlackNotifier) log() *slog.Logger {
	if n.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return n.Logger
}

// answeredPrompt is the confirmation prompt's final look once an agent kept or returned the conversation.
func (n *SlackNotifier) answeredPrompt(no conversation.Notice) (slackapp.Prompt, bool) {
	c := no.Card
	if c == nil {
		return slackapp.Prompt{}, false
	}
	p := slackapp.Prompt{Phone: no.Phone, Assignee: c.Holder(), Idle: c.IdleTimeout, By: c.ChangedBy, At: c.ChangedAt}
	switch c.Status {
	case conversation.StatusActive:
		p.Outcome = slackapp.PromptReturned
	case conversation.StatusHandoff:
		p.Outcome = slackapp.PromptKept
		if p.By == "" {
			p.By = c.Holder()
		}
	default:
		return p, false
	}
	return p, true
}

// card is the notice's card with its link under PUBLIC_URL.
func (n *SlackNotifier) card(no conversation.Notice) conversation.Card {
	c := conversation.Card{Phone: no.Phone, Status: conversation.StatusHandoff}
	if no.Card != nil {
		c = *no.Card
	}
	c.Link = ConversationLink(n.PublicURL, c.Phone)
	return c
}

func (n *SlackNotifier) slackError(no conversation.Notice, err error) error {
	n.Metrics.DownstreamError("slack", 0)
	msg := fmt.Sprintf("slack %s: %v", no.Kind, err)
	if !slackapp.IsRetryable(err) {
		if n.Logger != nil {
			n.Logger.Error("slack refused a notice", "kind", no.Kind, logx.Phone(no.Phone), "error", err)
		}
		return temporal.NewNonRetryableApplicationError(msg, ErrTypeRejected, err)
	}
	if d, ok := slackapp.RetryAfter(err); ok {
		return temporal.NewApplicationErrorWithOptions(msg, ErrTypeSlackRateLimited, temporal.ApplicationErrorOptions{NextRetryDelay: d, Cause: err})
	}
	return fmt.Errorf("%s: %w", msg, err)
}

// ConversationLink is the agent console's page for a conversation, under PUBLIC_URL.
func ConversationLink(publicURL, phone string) string {
	return strings.TrimRight(publicURL, "/") + "/agent/#/conversations/" + phone
}
