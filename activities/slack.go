package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/slackapp"
	"github.com/supportd/supportd/workflows/conversation"
)

// ErrTypeSlackRateLimited marks a Slack 429: retried after Slack's Retry-After.
const ErrTypeSlackRateLimited = "SlackRateLimited"

// SlackNotifier is the agents' tool in Slack (slackapp.Notifier) as an activity runs it: it tells Slack
// whether an earlier attempt may have posted, and classifies Slack's failures for Temporal's retries (429 waits
// for Retry-After, 5xx and network errors retry, anything else, a missing channel or a revoked token, is final).
type SlackNotifier struct {
	Slack *slackapp.Notifier
}

// Notify carries out one notice.
func (n SlackNotifier) Notify(ctx context.Context, no conversation.Notice) (conversation.NoticeResult, error) {
	res, err := n.Slack.Notify(ctx, no, noticeAttemptOf(ctx, no))
	if err != nil {
		return conversation.NoticeResult{}, n.slackError(no, err)
	}
	return res, nil
}

// noticeAttemptOf is what the activity's attempt says about an earlier one: whether there was one, and since when
// the notice has been tried (its first attempt's scheduling, or, for a notice the conversation tries again in a
// new activity, when it was first tried).
func noticeAttemptOf(ctx context.Context, no conversation.Notice) slackapp.Attempt {
	if !no.Tried.IsZero() {
		return slackapp.Attempt{Retry: true, Since: no.Tried}
	}
	if !activity.IsActivity(ctx) {
		return slackapp.Attempt{}
	}
	info := activity.GetInfo(ctx)
	return slackapp.Attempt{Retry: info.Attempt > 1, Since: info.ScheduledTime}
}

func (n SlackNotifier) slackError(no conversation.Notice, err error) error {
	msg := fmt.Sprintf("slack %s: %v", no.Kind, err)
	if !slackapp.IsRetryable(err) {
		if n.Slack.Logger != nil {
			n.Slack.Logger.Error("slack refused a notice", "kind", no.Kind, logx.Phone(no.Phone), "error", err)
		}
		return temporal.NewNonRetryableApplicationError(msg, ErrTypeRejected, err)
	}
	if d, ok := slackapp.RetryAfter(err); ok {
		return temporal.NewApplicationErrorWithOptions(msg, ErrTypeSlackRateLimited, temporal.ApplicationErrorOptions{NextRetryDelay: d, Cause: err})
	}
	return fmt.Errorf("%s: %w", msg, err)
}
