package testkit

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// SlackInteraction describes a button press as Slack posts it to the interactivity URL (a block_actions
// payload). Empty fields get plausible defaults, except the ones a test must choose: UserID, ChannelID,
// MessageTS, ActionID and Value.
type SlackInteraction struct {
	UserID      string
	UserName    string // defaults to a name derived from UserID
	TeamID      string // defaults to the fake's team
	ChannelID   string
	MessageTS   string // the message carrying the button
	ThreadTS    string // the thread of that message, when it is a reply
	ActionID    string
	BlockID     string // defaults to "actions"; slack-go needs a string block_id
	Value       string
	ResponseURL string // defaults to a hooks.slack.com URL
}

// Payload returns the block_actions JSON that Slack puts in the form field "payload".
func (p SlackInteraction) Payload() []byte {
	teamID := slackDefault(p.TeamID, slackTeamID)
	userName := slackDefault(p.UserName, "agent."+p.UserID)
	container := map[string]any{
		"type": "message", "message_ts": p.MessageTS, "channel_id": p.ChannelID, "is_ephemeral": false,
	}
	message := map[string]any{
		"type": "message", "subtype": "bot_message", "text": "WhatsApp handoff", "ts": p.MessageTS,
		"bot_id": slackBotID, "user": slackBotUserID, "team": teamID, "blocks": []any{},
	}
	if p.ThreadTS != "" {
		container["thread_ts"] = p.ThreadTS
		message["thread_ts"] = p.ThreadTS
	}
	now := time.Now()
	payload := map[string]any{
		"type":                  "block_actions",
		"user":                  map[string]any{"id": p.UserID, "username": userName, "name": userName, "team_id": teamID},
		"api_app_id":            slackAppID,
		"token":                 "fake-verification-token",
		"container":             container,
		"trigger_id":            fmt.Sprintf("%d.%d.%s", now.Unix(), now.UnixNano()%1e9, slackRandomHex(16)),
		"team":                  map[string]any{"id": teamID, "domain": "supportd-test"},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"channel":               map[string]any{"id": p.ChannelID, "name": "support-handoffs"},
		"message":               message,
		"state":                 map[string]any{"values": map[string]any{}},
		"response_url":          slackDefault(p.ResponseURL, "https://hooks.slack.com/actions/"+teamID+"/1234567890/"+slackRandomHex(12)),
		"actions": []any{map[string]any{
			"type":      "button",
			"action_id": p.ActionID,
			"block_id":  slackDefault(p.BlockID, "actions"),
			"text":      map[string]any{"type": "plain_text", "text": p.ActionID, "emoji": true},
			"value":     p.Value,
			"action_ts": fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000),
		}},
	}
	return slackMarshal(payload)
}

// Body returns the form body Slack posts: payload=<url-encoded JSON>.
func (p SlackInteraction) Body() []byte {
	return []byte(url.Values{"payload": {string(p.Payload())}}.Encode())
}

// SlackInteractionRequest returns the button press p as Slack posts it to url, signed with signingSecret at the
// current time. It panics on an invalid url.
func SlackInteractionRequest(url, signingSecret string, p SlackInteraction) *http.Request {
	return SlackSignedRequest(url, signingSecret, time.Now(), "application/x-www-form-urlencoded", p.Body())
}

// SlackEventRequest returns an Events API request carrying body, signed with signingSecret at the current time.
// A retryNum above 0 marks it as Slack's retry number retryNum of the same event, after an http_timeout. It
// panics on an invalid url.
func SlackEventRequest(url, signingSecret string, body []byte, retryNum int) *http.Request {
	req := SlackSignedRequest(url, signingSecret, time.Now(), "application/json", body)
	if retryNum > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retryNum))
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	return req
}

// SlackSignedRequest returns a POST of body to url signed with signingSecret as of at. Slack's verifier checks
// the timestamp against the real clock, so at is time.Now() for a request that must pass; a time six minutes
// ago, or another secret, makes one that must be refused. It panics on an invalid url.
func SlackSignedRequest(url, signingSecret string, at time.Time, contentType string, body []byte) *http.Request {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		panic(fmt.Sprintf("testkit: slack request to %q: %v", url, err))
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(at.Unix(), 10))
	req.Header.Set("X-Slack-Signature", SignSlack(signingSecret, at, body))
	return req
}

// SignSlack returns the X-Slack-Signature value for body sent at at: "v0=" and the hex HMAC-SHA256 of
// "v0:{unix seconds}:{body}", keyed with the signing secret.
func SignSlack(signingSecret string, at time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(signingSecret))
	fmt.Fprintf(mac, "v0:%d:", at.Unix())
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// PostSlack sends req and returns the response status and body.
func PostSlack(t testing.TB, req *http.Request) (status int, responseBody string) {
	t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("post slack request: %v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read slack response: %v", err)
	}
	return resp.StatusCode, string(data)
}

// SlackMessageEvent describes a message event as the Events API delivers it. Empty fields get plausible
// defaults: a random EventID, the fake's team, a TS of now, channel type "channel".
type SlackMessageEvent struct {
	EventID     string
	TeamID      string
	Channel     string
	User        string
	Text        string // Slack mrkdwn, as a Slack client sends it: "&lt;" for "<", "<https://x|x>" for a link
	TS          string
	ThreadTS    string // the thread root's ts, for a reply
	BotID       string // set for a message an app posted, such as the product's own posts echoed back
	SubType     string // "bot_message", "message_changed", "message_deleted", "thread_broadcast", …
	ChannelType string
}

// Body returns the event_callback request body for the message. A "message_changed" event nests the edited
// message and its previous version, a "message_deleted" one carries only the previous version, as Slack does.
func (e SlackMessageEvent) Body() []byte {
	teamID := slackDefault(e.TeamID, slackTeamID)
	ts := slackDefault(e.TS, slackNowTS())
	inner := map[string]any{
		"type": "message", "channel": e.Channel, "ts": ts, "event_ts": ts,
		"channel_type": slackDefault(e.ChannelType, "channel"),
	}
	message := map[string]any{"type": "message", "user": e.User, "text": e.Text, "ts": ts, "team": teamID}
	if e.ThreadTS != "" {
		message["thread_ts"] = e.ThreadTS
	}
	if e.BotID != "" {
		message["bot_id"] = e.BotID
		message["app_id"] = slackAppID
		message["bot_profile"] = map[string]any{"id": e.BotID, "app_id": slackAppID, "name": "supportd", "team_id": teamID, "deleted": false}
	} else {
		message["client_msg_id"] = slackRandomUUID()
		message["blocks"] = slackRichText(e.Text)
	}
	switch e.SubType {
	case "message_changed":
		edited := message
		edited["edited"] = map[string]any{"user": e.User, "ts": ts}
		previous := map[string]any{"type": "message", "user": e.User, "text": "(before the edit)", "ts": ts, "team": teamID}
		inner["subtype"], inner["hidden"] = e.SubType, true
		inner["message"], inner["previous_message"] = edited, previous
	case "message_deleted":
		inner["subtype"], inner["hidden"] = e.SubType, true
		inner["deleted_ts"] = ts
		inner["previous_message"] = message
	default:
		for k, v := range message {
			inner[k] = v
		}
		if e.SubType != "" {
			inner["subtype"] = e.SubType
		}
		if e.SubType == "bot_message" {
			inner["username"] = "supportd"
			delete(inner, "user")
		}
	}
	return SlackCallbackBody(e.EventID, teamID, inner)
}

// SlackCallbackBody returns an event_callback request body around any inner event, such as
// {"type":"reaction_added",…}. An empty eventID gets a random one, an empty teamID the fake's team.
func SlackCallbackBody(eventID, teamID string, inner any) []byte {
	teamID = slackDefault(teamID, slackTeamID)
	return slackMarshal(map[string]any{
		"token":      "fake-verification-token",
		"team_id":    teamID,
		"api_app_id": slackAppID,
		"event":      inner,
		"type":       "event_callback",
		"event_id":   slackDefault(eventID, "Ev"+slackRandomHex(10)),
		"event_time": time.Now().Unix(),
		"authorizations": []any{map[string]any{
			"enterprise_id": nil, "team_id": teamID, "user_id": slackBotUserID, "is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-" + slackRandomHex(24),
	})
}

// SlackURLVerificationBody returns the url_verification request Slack sends when the events URL is set.
func SlackURLVerificationBody(challenge string) []byte {
	return slackMarshal(map[string]any{"token": "fake-verification-token", "challenge": challenge, "type": "url_verification"})
}

// slackRichText is the rich_text block a Slack client attaches to a typed message.
func slackRichText(text string) []any {
	return []any{map[string]any{
		"type": "rich_text", "block_id": slackRandomHex(4),
		"elements": []any{map[string]any{
			"type":     "rich_text_section",
			"elements": []any{map[string]any{"type": "text", "text": text}},
		}},
	}}
}

func slackMarshal(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("testkit: encode slack payload: %v", err))
	}
	return data
}

func slackDefault(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}

func slackNowTS() string {
	now := time.Now()
	return fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
}

func slackRandomHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

func slackRandomUUID() string {
	h := slackRandomHex(32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
