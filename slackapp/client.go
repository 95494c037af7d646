package slackapp

import (
	"context"
	"errors"
	"fmt"
	"github.com/supportd/supportd/workflows/conversation"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// DefaultAPIURL is Slack's Web API base.
const DefaultAPIURL = "https://slack.com/api/"

// defaultHTTPTimeout bounds one Web API call when the caller's context has no earlier deadline.
const defaultHTTPTimeout = 20 * time.Second

// Config is what a Client needs.
type Config struct {
	Token      string       // the bot token, xoxb-…
	APIURL     string       // the Web API base; DefaultAPIURL when empty. A missing trailing "/" is added.
	HTTPClient *http.Client // optional; defaults to a client with a 20-second timeout
}

// Client sends handoff messages to Slack and looks up agents' names. It never retries: a failed call returns
// an error that IsRetryable and RetryAfter classify, and the caller (a Temporal activity) retries durably.
// A Client is safe for concurrent use.
type Client struct {
	api   *slack.Client
	token string

	mu    sync.Mutex
	names map[string]string // display names by user ID, from users.info
}

// New returns a Client for the Web API at cfg.APIURL.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("slack client: no bot token")
	}
	apiURL := cfg.APIURL
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("slack client: API URL %q is not an http(s) URL", apiURL)
	}
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/" // slack-go appends method names to the base as is
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{Timeout: defaultHTTPTimeout}
	}
	return &Client{
		api:   slack.New(cfg.Token, slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(httpClient)),
		token: cfg.Token,
		names: make(map[string]string),
	}, nil
}

// CardID names a handoff's card. The card is posted with it as Slack message metadata, so that a post retried
// after an answer that never came (a timeout, a 5xx after Slack had posted) finds the card the earlier attempt
// posted (FindCard) instead of posting a second one.
type CardID struct {
	Conversation string // the conversation's key
	Handoff      int    // which handoff of the conversation the card is for (1, 2, …)
}

// cardEventType is the message metadata event type of a handoff card; its payload is the CardID.
const cardEventType = "supportd_handoff_card"

// cardSearchLimit is how many of the channel's newest messages FindCard asks for, in one conversations.history
// call (Tier 3 for a business's own app). Slack gives a commercially distributed app outside the Marketplace at
// most 15, and one call a minute (wire-formats.md B11).
const cardSearchLimit = 100

// cardClockSkew is how much earlier than the caller's "since" FindCard looks, for the clocks of Temporal and
// Slack, which need not agree.
const cardClockSkew = time.Minute

func (id CardID) metadata() slack.SlackMetadata {
	return slack.SlackMetadata{EventType: cardEventType, EventPayload: map[string]any{"conversation": id.Conversation, "handoff": id.Handoff}}
}

// is reports whether m is the metadata of id's card; the handoff number reads back as a JSON number.
func (id CardID) is(m slack.SlackMetadata) bool {
	conv, _ := m.EventPayload["conversation"].(string)
	return m.EventType == cardEventType && conv == id.Conversation && fmt.Sprint(m.EventPayload["handoff"]) == strconv.Itoa(id.Handoff)
}

// PostCard posts the handoff card to channel, with id as its message metadata, and returns its ts, which
// identifies it for UpdateCard and is the thread for everything else about this handoff.
func (c *Client) PostCard(ctx context.Context, channel string, id CardID, card conversation.Card) (string, error) {
	ts, err := c.post(ctx, channel, "", CardMessage(card), slack.MsgOptionMetadata(id.metadata()))
	if err != nil {
		return "", fmt.Errorf("post handoff card: %w", err)
	}
	return ts, nil
}

// FindCard looks among the channel's newest messages posted since (less a margin for the clocks) for the card
// PostCard posted for id, and returns its ts. One page of messages is read (cardSearchLimit, or fewer when Slack
// caps it): in a channel busier than that since the card was posted, the card is not found. An error is
// conversations.history's (a bot token without channels:history or groups:history is refused with
// missing_scope).
func (c *Client) FindCard(ctx context.Context, channel string, id CardID, since time.Time) (string, bool, error) {
	p := &slack.GetConversationHistoryParameters{ChannelID: channel, Limit: cardSearchLimit, IncludeAllMetadata: true}
	if !since.IsZero() {
		from := since.Add(-cardClockSkew)
		p.Oldest = fmt.Sprintf("%d.%06d", from.Unix(), from.Nanosecond()/1000)
	}
	resp, err := c.api.GetConversationHistoryContext(ctx, p)
	if err != nil {
		return "", false, fmt.Errorf("find handoff card: %w", c.redact(err))
	}
	for _, m := range resp.Messages {
		if id.is(m.Metadata) {
			return m.Timestamp, true, nil
		}
	}
	return "", false, nil
}

// UpdateCard replaces the card at ts with its current state.
func (c *Client) UpdateCard(ctx context.Context, channel, ts string, card conversation.Card) error {
	if err := c.update(ctx, channel, ts, CardMessage(card)); err != nil {
		return fmt.Errorf("update handoff card: %w", err)
	}
	return nil
}

// PostThread posts text as a reply in the thread of threadTS and returns the reply's ts. The text is mrkdwn as
// CustomerText or AgentText build it: it is sent as is, not escaped again.
func (c *Client) PostThread(ctx context.Context, channel, threadTS, text string) (string, error) {
	if threadTS == "" {
		return "", errors.New("post thread message: no thread ts")
	}
	ts, err := c.post(ctx, channel, threadTS, Message{Text: text})
	if err != nil {
		return "", fmt.Errorf("post thread message: %w", err)
	}
	return ts, nil
}

// PostBroadcast posts text as a reply in the thread of threadTS that is also shown in the channel
// (reply_broadcast), so that the thread's root, linked from it, comes back to everyone's attention. The text is
// mrkdwn, sent as is.
func (c *Client) PostBroadcast(ctx context.Context, channel, threadTS, text string) (string, error) {
	if threadTS == "" {
		return "", errors.New("post broadcast: no thread ts")
	}
	_, ts, err := c.api.PostMessageContext(ctx, channel, slack.MsgOptionText(text, false), slack.MsgOptionTS(threadTS),
		slack.MsgOptionBroadcast(), slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl())
	if err != nil {
		return "", fmt.Errorf("post broadcast: %w", c.redact(err))
	}
	return ts, nil
}

// PostPrompt posts the confirmation prompt in the thread of threadTS and returns its ts.
func (c *Client) PostPrompt(ctx context.Context, channel, threadTS string, p Prompt) (string, error) {
	if threadTS == "" {
		return "", errors.New("post confirmation prompt: no thread ts")
	}
	ts, err := c.post(ctx, channel, threadTS, PromptMessage(p))
	if err != nil {
		return "", fmt.Errorf("post confirmation prompt: %w", err)
	}
	return ts, nil
}

// UpdatePrompt replaces the confirmation prompt at ts, typically with its answer and no buttons.
func (c *Client) UpdatePrompt(ctx context.Context, channel, ts string, p Prompt) error {
	if err := c.update(ctx, channel, ts, PromptMessage(p)); err != nil {
		return fmt.Errorf("update confirmation prompt: %w", err)
	}
	return nil
}

// PostEphemeral shows text to user alone, in the thread of threadTS when it is set. The text is mrkdwn, sent
// as is: build it with AlreadyTakenText or NoteKeptText.
func (c *Client) PostEphemeral(ctx context.Context, channel, user, text, threadTS string) error {
	opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	if _, err := c.api.PostEphemeralContext(ctx, channel, user, opts...); err != nil {
		return fmt.Errorf("post ephemeral message: %w", c.redact(err))
	}
	return nil
}

// UserName returns the name Slack shows for userID: the display name, else the real name, else the user name.
// Names are cached for the life of the Client.
func (c *Client) UserName(ctx context.Context, userID string) (string, error) {
	c.mu.Lock()
	name, ok := c.names[userID]
	c.mu.Unlock()
	if ok {
		return name, nil
	}
	user, err := c.api.GetUserInfoContext(ctx, userID)
	if err != nil {
		return "", fmt.Errorf("look up slack user: %w", c.redact(err))
	}
	for _, candidate := range []string{user.Profile.DisplayName, user.Profile.RealName, user.RealName, user.Name} {
		if name = strings.TrimSpace(candidate); name != "" {
			break
		}
	}
	if name == "" {
		name = userID
	}
	c.mu.Lock()
	c.names[userID] = name
	c.mu.Unlock()
	return name, nil
}

// PlainText is the package function PlainText with user mentions turned into names through users.info; a
// mention whose user cannot be looked up stays "@U…".
func (c *Client) PlainText(ctx context.Context, text string) string {
	return slackToPlain(text, func(userID string) string {
		name, err := c.UserName(ctx, userID)
		if err != nil {
			return ""
		}
		return name
	})
}

func (c *Client) post(ctx context.Context, channel, threadTS string, m Message, extra ...slack.MsgOption) (string, error) {
	opts := append([]slack.MsgOption{
		slack.MsgOptionText(m.Text, false),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}, extra...)
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	_, ts, err := c.api.PostMessageContext(ctx, channel, opts...)
	if err != nil {
		return "", c.redact(err)
	}
	return ts, nil
}

func (c *Client) update(ctx context.Context, channel, ts string, m Message) error {
	if ts == "" {
		return errors.New("no message ts")
	}
	// MsgOptionBlocks with no blocks clears them, which is what an update to a plain message means.
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
	if _, _, _, err := c.api.UpdateMessageContext(ctx, channel, ts, opts...); err != nil {
		return c.redact(err)
	}
	return nil
}

// redact keeps the bot token out of an error's text while leaving the error chain intact for IsRetryable.
func (c *Client) redact(err error) error {
	if err == nil || c.token == "" || !strings.Contains(err.Error(), c.token) {
		return err
	}
	return &redactedError{text: strings.ReplaceAll(err.Error(), c.token, "[token]"), err: err}
}

type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.err }

// retryableErrorCode reports whether a Web API error code means Slack is busy or briefly broken, not that the
// request is wrong.
func retryableErrorCode(code string) bool {
	switch code {
	case "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
		return true
	}
	return false
}

// IsRetryable reports whether a call that failed with err may succeed if made again later: Slack rate-limited
// it, answered 5xx or a retryable error code, or the network failed. Errors that a retry cannot fix
// (channel_not_found, not_in_channel, is_archived, invalid_auth, token_revoked, msg_too_long, invalid_blocks, a
// cancelled context, …) are not retryable.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	if _, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return true
	}
	if e, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return e.Code == http.StatusTooManyRequests || e.Code == http.StatusRequestTimeout || e.Code >= 500
	}
	if e, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return retryableErrorCode(e.Err)
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	_, isNetErr := errors.AsType[net.Error](err)
	return isNetErr
}

// RetryAfter returns how long Slack asked to wait before the next call, when err is a rate limit that carried
// a Retry-After header.
func RetryAfter(err error) (time.Duration, bool) {
	if e, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return e.RetryAfter, true
	}
	return 0, false
}
