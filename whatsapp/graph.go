package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/supportd/supportd/workflows/conversation"
)

// Limits WhatsApp puts on the messages Client sends, counted in characters (runes).
const (
	MaxButtons           = 3
	MaxButtonTitleLength = 20
	MaxButtonIDLength    = 256
	MaxButtonBodyLength  = 1024
	// MaxCallbackDataLength bounds biz_opaque_callback_data, which status webhooks echo.
	MaxCallbackDataLength = 512
	// MaxTemplateNameLength bounds a template's name and MaxTemplateParameterLength its body parameter
	// (a template body is at most 1024 characters in all).
	MaxTemplateNameLength      = 512
	MaxTemplateParameterLength = 1024
)

// DefaultTimeout bounds each Graph API call when NewClient is given no http.Client.
const DefaultTimeout = 15 * time.Second

// maxResponseBytes caps how much of a Graph API response is read.
const maxResponseBytes = 1 << 20

// Client sends messages through the WhatsApp Cloud API (Graph API) for one business phone number. It makes
// one attempt per call; callers retry errors for which IsRetryable is true. It is safe for concurrent use.
type Client struct {
	baseURL     string
	messagesURL string
	accessToken string
	httpClient  *http.Client
}

// NewClient returns a Client posting to {baseURL}/{phoneNumberID}/messages, where baseURL includes the API
// version (https://graph.facebook.com/v23.0). A nil httpClient means one with DefaultTimeout.
func NewClient(baseURL, phoneNumberID, accessToken string, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: DefaultTimeout}
	}
	baseURL = strings.TrimRight(baseURL, "/")
	return &Client{
		baseURL:     baseURL,
		messagesURL: baseURL + "/" + url.PathEscape(phoneNumberID) + "/messages",
		accessToken: accessToken,
		httpClient:  httpClient,
	}
}

// Sent is WhatsApp's answer to an accepted send. Acceptance is not delivery: a failed status can still
// arrive by webhook.
type Sent struct {
	// MessageID is the WAMID WhatsApp assigned to the message.
	MessageID string
	// WaID and UserID are the customer's identifiers as WhatsApp resolved them (contacts[0].wa_id and
	// contacts[0].user_id), when the response carried them.
	WaID   string
	UserID string
	// MessageStatus is messages[0].message_status, which template sends may carry ("accepted",
	// "held_for_quality_assessment", "paused"), or "".
	MessageStatus string
}

// Template is an approved message template to send, with at most one body parameter.
type Template struct {
	// Name is the template's name, such as "order_update_v1".
	Name string
	// Language is the template's language code, such as "en_US".
	Language string
	// BodyText fills the body's one parameter ({{1}}); empty sends the template without parameters.
	BodyText string
}

// SendText sends a free-form text message to the customer with wa_id to and returns its WAMID. A
// business-scoped user ID in to is refused (ErrInvalidMessage): use SendTextTo for a customer who may have
// no phone number.
func (c *Client) SendText(ctx context.Context, to, body string) (messageID string, err error) {
	sent, err := c.SendTextTo(ctx, conversation.Address{Phone: to}, body)
	return sent.MessageID, err
}

// SendTextTo sends a free-form text message to the customer and returns WhatsApp's answer.
func (c *Client) SendTextTo(ctx context.Context, to conversation.Address, body string) (Sent, error) {
	if err := validateText(body); err != nil {
		return Sent{}, fmt.Errorf("send whatsapp text: %w", err)
	}
	request := outboundMessage{Type: "text", Text: &outboundText{PreviewURL: false, Body: body}}
	sent, err := c.send(ctx, to, request)
	if err != nil {
		return Sent{}, fmt.Errorf("send whatsapp text: %w", err)
	}
	return sent, nil
}

// SendButtons sends body with one to three reply buttons to the customer with wa_id to and returns the
// message's WAMID. A tap arrives as an inbound interactive message whose ButtonID is the button's ID. A
// business-scoped user ID in to is refused: use SendButtonsTo for a customer who may have no phone number.
func (c *Client) SendButtons(ctx context.Context, to, body string, buttons []conversation.Button) (messageID string, err error) {
	sent, err := c.SendButtonsTo(ctx, conversation.Address{Phone: to}, body, buttons)
	return sent.MessageID, err
}

// SendButtonsTo sends body with one to three reply buttons to the customer and returns WhatsApp's answer.
func (c *Client) SendButtonsTo(ctx context.Context, to conversation.Address, body string, buttons []conversation.Button) (Sent, error) {
	if err := validateButtons(body, buttons); err != nil {
		return Sent{}, fmt.Errorf("send whatsapp buttons: %w", err)
	}
	interactive := &outboundInteractive{Type: "button"}
	interactive.Body.Text = body
	for _, b := range buttons {
		button := outboundButton{Type: "reply"}
		button.Reply.ID, button.Reply.Title = b.ID, b.Title
		interactive.Action.Buttons = append(interactive.Action.Buttons, button)
	}
	sent, err := c.send(ctx, to, outboundMessage{Type: "interactive", Interactive: interactive})
	if err != nil {
		return Sent{}, fmt.Errorf("send whatsapp buttons: %w", err)
	}
	return sent, nil
}

// SendTemplate sends an approved template, the only kind of message that may reach a customer outside the
// 24-hour window (wire-formats.md A5, A6), and returns WhatsApp's answer.
func (c *Client) SendTemplate(ctx context.Context, to conversation.Address, t Template) (Sent, error) {
	if err := validateTemplate(t); err != nil {
		return Sent{}, fmt.Errorf("send whatsapp template: %w", err)
	}
	template := &outboundTemplate{Name: t.Name}
	template.Language.Code = t.Language
	if t.BodyText != "" {
		template.Components = []outboundComponent{{Type: "body", Parameters: []outboundParameter{{Type: "text", Text: t.BodyText}}}}
	}
	sent, err := c.send(ctx, to, outboundMessage{Type: "template", Template: template})
	if err != nil {
		return Sent{}, fmt.Errorf("send whatsapp template: %w", err)
	}
	return sent, nil
}

// MarkRead marks the inbound message messageID as read (blue ticks). With typing set, the customer also
// sees a typing indicator until the next message is sent or 25 seconds pass.
func (c *Client) MarkRead(ctx context.Context, messageID string, typing bool) error {
	if messageID == "" {
		return fmt.Errorf("mark whatsapp message read: %w: no message id", ErrInvalidMessage)
	}
	request := readReceipt{MessagingProduct: "whatsapp", Status: "read", MessageID: messageID}
	if typing {
		request.TypingIndicator = &typingIndicator{Type: "text"}
	}
	var response struct {
		Success bool `json:"success"`
	}
	if err := c.post(ctx, request, &response); err != nil {
		return fmt.Errorf("mark whatsapp message read: %w", err)
	}
	if !response.Success {
		return errors.New("mark whatsapp message read: response did not report success")
	}
	return nil
}

func validateText(body string) error {
	if strings.TrimSpace(body) == "" {
		return fmt.Errorf("%w: empty text", ErrInvalidMessage)
	}
	if n := utf8.RuneCountInString(body); n > conversation.MaxTextLength {
		return fmt.Errorf("%w: text has %d characters, the limit is %d", ErrInvalidMessage, n, conversation.MaxTextLength)
	}
	return nil
}

func validateButtons(body string, buttons []conversation.Button) error {
	if strings.TrimSpace(body) == "" {
		return fmt.Errorf("%w: empty button message body", ErrInvalidMessage)
	}
	if n := utf8.RuneCountInString(body); n > MaxButtonBodyLength {
		return fmt.Errorf("%w: button message body has %d characters, the limit is %d", ErrInvalidMessage, n, MaxButtonBodyLength)
	}
	if len(buttons) == 0 || len(buttons) > MaxButtons {
		return fmt.Errorf("%w: %d buttons, want 1 to %d", ErrInvalidMessage, len(buttons), MaxButtons)
	}
	titles := make(map[string]bool, len(buttons))
	ids := make(map[string]bool, len(buttons))
	for i, b := range buttons {
		switch {
		case strings.TrimSpace(b.Title) == "":
			return fmt.Errorf("%w: button %d has no title", ErrInvalidMessage, i+1)
		case utf8.RuneCountInString(b.Title) > MaxButtonTitleLength:
			return fmt.Errorf("%w: button title %q is longer than %d characters", ErrInvalidMessage, b.Title, MaxButtonTitleLength)
		case titles[b.Title]:
			return fmt.Errorf("%w: button title %q is used twice", ErrInvalidMessage, b.Title)
		case strings.TrimSpace(b.ID) == "":
			return fmt.Errorf("%w: button %d has no id", ErrInvalidMessage, i+1)
		case utf8.RuneCountInString(b.ID) > MaxButtonIDLength:
			return fmt.Errorf("%w: button id of button %d is longer than %d characters", ErrInvalidMessage, i+1, MaxButtonIDLength)
		case ids[b.ID]:
			return fmt.Errorf("%w: button id %q is used twice", ErrInvalidMessage, b.ID)
		}
		titles[b.Title], ids[b.ID] = true, true
	}
	return nil
}

func validateTemplate(t Template) error {
	switch {
	case strings.TrimSpace(t.Name) == "":
		return fmt.Errorf("%w: no template name", ErrInvalidMessage)
	case utf8.RuneCountInString(t.Name) > MaxTemplateNameLength:
		return fmt.Errorf("%w: template name is longer than %d characters", ErrInvalidMessage, MaxTemplateNameLength)
	case strings.TrimSpace(t.Language) == "":
		return fmt.Errorf("%w: template %q has no language code", ErrInvalidMessage, t.Name)
	}
	if n := utf8.RuneCountInString(t.BodyText); n > MaxTemplateParameterLength {
		return fmt.Errorf("%w: template parameter has %d characters, the limit is %d", ErrInvalidMessage, n, MaxTemplateParameterLength)
	}
	if t.BodyText != "" && (strings.TrimSpace(t.BodyText) == "" || strings.ContainsAny(t.BodyText, "\n\t") ||
		strings.Contains(t.BodyText, "     ")) {
		// WhatsApp refuses such a parameter (error 132018).
		return fmt.Errorf("%w: template parameter is blank, or has a new line, a tab or more than four spaces in a row", ErrInvalidMessage)
	}
	return nil
}

type callbackDataKey struct{}

// WithCallbackData returns a context whose messages carry data as biz_opaque_callback_data: WhatsApp echoes
// it in every status webhook of the message, so a status can be matched to the send that caused it even
// when the sender never saw the WAMID. At most MaxCallbackDataLength characters.
func WithCallbackData(ctx context.Context, data string) context.Context {
	return context.WithValue(ctx, callbackDataKey{}, data)
}

// CallbackData returns the biz_opaque_callback_data that messages sent with ctx carry, or "".
func CallbackData(ctx context.Context) string {
	data, _ := ctx.Value(callbackDataKey{}).(string)
	return data
}

// send addresses request to the customer, posts it and returns WhatsApp's answer. The message carries the
// context's callback data.
func (c *Client) send(ctx context.Context, to conversation.Address, request outboundMessage) (Sent, error) {
	var err error
	request.MessagingProduct, request.RecipientType = "whatsapp", "individual"
	if request.To, request.Recipient, err = addressFields(to); err != nil {
		return Sent{}, err
	}
	request.BizOpaqueCallbackData = CallbackData(ctx)
	if n := utf8.RuneCountInString(request.BizOpaqueCallbackData); n > MaxCallbackDataLength {
		return Sent{}, fmt.Errorf("%w: callback data has %d characters, the limit is %d", ErrInvalidMessage, n, MaxCallbackDataLength)
	}
	var response struct {
		Contacts []struct {
			WaID   string `json:"wa_id"`
			UserID string `json:"user_id"`
		} `json:"contacts"`
		Messages []struct {
			ID            string `json:"id"`
			MessageStatus string `json:"message_status"`
		} `json:"messages"`
	}
	if err := c.post(ctx, request, &response); err != nil {
		return Sent{}, err
	}
	if len(response.Messages) == 0 || response.Messages[0].ID == "" {
		return Sent{}, errors.New("response carries no message id")
	}
	sent := Sent{MessageID: response.Messages[0].ID, MessageStatus: response.Messages[0].MessageStatus}
	if len(response.Contacts) > 0 {
		sent.WaID, sent.UserID = response.Contacts[0].WaID, response.Contacts[0].UserID
	}
	return sent, nil
}

// post sends payload as JSON and decodes a 2xx answer into out. Any other answer becomes an *APIError, a
// failure to get an answer a *transportError.
func (c *Client) post(ctx context.Context, payload, out any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.messagesURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.accessToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")

	resp, err := c.httpClient.Do(req)
	if err != nil {
		return c.transportError(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return c.transportError(err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.apiError(resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode response (http %d): %w", resp.StatusCode, err)
	}
	return nil
}

// apiError decodes a Graph error body, or describes a body that is not one.
func (c *Client) apiError(status int, body []byte) *APIError {
	var envelope struct {
		Error *struct {
			Message   string `json:"message"`
			Type      string `json:"type"`
			Code      int    `json:"code"`
			Subcode   int    `json:"error_subcode"`
			ErrorData struct {
				Details string `json:"details"`
			} `json:"error_data"`
			FBTraceID string `json:"fbtrace_id"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &envelope); err == nil && envelope.Error != nil {
		e := envelope.Error
		return &APIError{
			HTTPStatus: status,
			Code:       e.Code,
			Subcode:    e.Subcode,
			Type:       e.Type,
			Message:    c.redact(e.Message),
			Details:    c.redact(e.ErrorData.Details),
			FBTraceID:  e.FBTraceID,
		}
	}
	return &APIError{
		HTTPStatus: status,
		Message:    "unexpected response " + strings.TrimSpace(strconv.Itoa(status)+" "+http.StatusText(status)),
		Details:    c.redact(snippet(body)),
	}
}

func (c *Client) transportError(err error) error {
	return &transportError{text: c.redact(err.Error()), err: err}
}

// redact removes the access token from text that may echo a request.
func (c *Client) redact(text string) string {
	if c.accessToken == "" {
		return text
	}
	return strings.ReplaceAll(text, c.accessToken, "[redacted]")
}

// snippet returns the start of a response body as one printable line, for logs.
func snippet(body []byte) string {
	const limit = 200
	text := strings.Join(strings.Fields(strings.ToValidUTF8(string(body), "")), " ")
	if utf8.RuneCountInString(text) > limit {
		text = string([]rune(text)[:limit]) + "…"
	}
	return text
}

type outboundMessage struct {
	MessagingProduct string `json:"messaging_product"`
	RecipientType    string `json:"recipient_type"`
	// To holds a phone number and Recipient a business-scoped user ID; exactly one is set.
	To          string               `json:"to,omitempty"`
	Recipient   string               `json:"recipient,omitempty"`
	Type        string               `json:"type"`
	Text        *outboundText        `json:"text,omitempty"`
	Interactive *outboundInteractive `json:"interactive,omitempty"`
	Template    *outboundTemplate    `json:"template,omitempty"`
	// BizOpaqueCallbackData is echoed by WhatsApp in the message's status webhooks.
	BizOpaqueCallbackData string `json:"biz_opaque_callback_data,omitempty"`
}

type outboundText struct {
	PreviewURL bool   `json:"preview_url"`
	Body       string `json:"body"`
}

type outboundInteractive struct {
	Type string `json:"type"`
	Body struct {
		Text string `json:"text"`
	} `json:"body"`
	Action struct {
		Buttons []outboundButton `json:"buttons"`
	} `json:"action"`
}

type outboundTemplate struct {
	Name     string `json:"name"`
	Language struct {
		Code string `json:"code"`
	} `json:"language"`
	Components []outboundComponent `json:"components,omitempty"`
}

type outboundComponent struct {
	Type       string              `json:"type"`
	Parameters []outboundParameter `json:"parameters"`
}

type outboundParameter struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type outboundButton struct {
	Type  string `json:"type"`
	Reply struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"reply"`
}

type readReceipt struct {
	MessagingProduct string           `json:"messaging_product"`
	Status           string           `json:"status"`
	MessageID        string           `json:"message_id"`
	TypingIndicator  *typingIndicator `json:"typing_indicator,omitempty"`
}

type typingIndicator struct {
	Type string `json:"type"`
}
