package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
)

// Graph API error codes the product branches on. Meta says to branch on the code, never on the HTTP status
// or the message text.
const (
	// CodeWindowClosed (131047, "re-engagement message") means more than 24 hours have passed since the
	// customer last wrote; only a template can be sent.
	CodeWindowClosed = 131047
	// CodeThroughput (130429) means the phone number's messages-per-second limit was exceeded.
	CodeThroughput = 130429
	// CodePairRateLimit (131056) means too many messages to the same customer too quickly.
	CodePairRateLimit = 131056
	// CodeUndeliverable (131026) means the recipient cannot receive the message (not on WhatsApp, blocked,
	// old app).
	CodeUndeliverable = 131026
	// CodeInvalidParameter (100) means the request itself is wrong.
	CodeInvalidParameter = 100
	// CodeAccessToken (190) means the access token expired or is invalid.
	CodeAccessToken = 190
)

// ErrInvalidMessage means a message breaks a WhatsApp limit (length, number of buttons) and was refused
// before sending. Retrying cannot help.
var ErrInvalidMessage = errors.New("invalid whatsapp message")

// APIError is a failed Graph API call, decoded from the {"error":{...}} body Meta returns.
type APIError struct {
	HTTPStatus int
	// Code is the Graph error code (error.code). It is 0 when the response carried no Graph error, as with
	// an HTML page from a proxy; Meta's own code 0 (an authentication failure) comes with a 4xx status.
	Code      int
	Subcode   int
	Type      string
	Message   string
	Details   string
	FBTraceID string
}

// Error describes the failure by code, status and message. It never contains the access token.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "whatsapp api error %d (http %d", e.Code, e.HTTPStatus)
	if e.Subcode != 0 {
		fmt.Fprintf(&b, ", subcode %d", e.Subcode)
	}
	if e.FBTraceID != "" {
		fmt.Fprintf(&b, ", fbtrace_id %s", e.FBTraceID)
	}
	b.WriteString(")")
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Details != "" {
		b.WriteString(": " + e.Details)
	}
	return b.String()
}

// Retryable reports whether sending the same request again later can succeed: throttling (130429, 131056,
// 131048, 131049), maintenance (131057) and temporary errors (131000, 1, 2, 4, 80007) can; a closed window,
// an undeliverable or invalid message, token and permission errors cannot. An unknown code, or none, is
// retried only on a 5xx or 429 status.
func (e *APIError) Retryable() bool {
	switch e.Code {
	case CodeThroughput, CodePairRateLimit, 131048, 131049, 131057, 131000, 1, 2, 4, 80007:
		return true
	case CodeWindowClosed, CodeUndeliverable, CodeInvalidParameter, CodeAccessToken,
		131051, 131052, 131053, 131060, 131030, 131031, 131008, 131009, 131021, 368, 10:
		return false
	}
	if e.Code >= 200 && e.Code <= 299 {
		return false
	}
	if e.Code == 0 && e.Type != "" {
		// Meta's code 0 is an authentication failure.
		return false
	}
	return e.HTTPStatus >= 500 || e.HTTPStatus == 429
}

// IsRetryable reports whether err is worth retrying: a retryable APIError, a network failure or a timeout.
// Invalid messages, non-retryable Graph errors, a canceled context and unexpected responses are not.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, ErrInvalidMessage) || errors.Is(err, context.Canceled) {
		return false
	}
	if apiErr, ok := errors.AsType[*APIError](err); ok {
		return apiErr.Retryable()
	}
	if _, ok := errors.AsType[*transportError](err); ok {
		return true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// IsRefused reports whether err proves that WhatsApp did not take the message: it was refused before
// sending (ErrInvalidMessage), or the Graph API answered with a Graph error. A network failure, a timeout or
// an answer that is not the Graph API's own (an HTML page from a proxy) leaves it unknown whether the
// message was taken, and is not a refusal.
func IsRefused(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrInvalidMessage) {
		return true
	}
	if apiErr, ok := errors.AsType[*APIError](err); ok {
		return apiErr.Code != 0 || apiErr.Type != ""
	}
	return false
}

// IsWindowClosed reports whether err is WhatsApp's 131047: the 24-hour customer-service window has closed
// and only a template can reach the customer. It recognises both a failed send (APIError) and a failed
// status from a webhook (Error).
func IsWindowClosed(err error) bool {
	if apiErr, ok := errors.AsType[*APIError](err); ok {
		return apiErr.Code == CodeWindowClosed
	}
	if webhookErr, ok := errors.AsType[Error](err); ok {
		return webhookErr.Code == CodeWindowClosed
	}
	return false
}

// transportError is a request that never got a complete answer: a network failure, a timeout or a body
// cut short. Its text has the access token removed.
type transportError struct {
	text string
	err  error
}

func (e *transportError) Error() string { return e.text }
func (e *transportError) Unwrap() error { return e.err }

// More error codes that statuses and webhooks carry.
const (
	// CodeHealthyEcosystem (131049) means WhatsApp chose not to deliver the message, to keep a healthy
	// ecosystem (a cap on marketing messages per customer).
	CodeHealthyEcosystem = 131049
	// CodeUnsupportedType (131051) means the message type is not supported.
	CodeUnsupportedType = 131051
	// CodeMediaUpload (131053) means the media could not be uploaded or downloaded.
	CodeMediaUpload = 131053
	// CodeGeneric (131000) means something went wrong at WhatsApp.
	CodeGeneric = 131000
)

// Reason returns a short reason in words for the error, for agents reading why a message failed: a fixed
// phrase for the codes the product sees most, otherwise WhatsApp's title and details.
func (e Error) Reason() string { return reason(e.Code, firstNonEmpty(e.Title, e.Message), e.Details) }

// Reason returns a short reason in words for the failed call, as Error.Reason does.
func (e *APIError) Reason() string { return reason(e.Code, e.Message, e.Details) }

func reason(code int, title, details string) string {
	switch code {
	case CodeUndeliverable:
		return "undeliverable: the customer cannot receive WhatsApp messages from this number"
	case CodeWindowClosed:
		return "the 24-hour window is closed: more than 24 hours since the customer last wrote"
	case CodeHealthyEcosystem:
		return "not delivered by WhatsApp, to keep a healthy ecosystem"
	case CodePairRateLimit:
		return "too many messages to this customer in a short time"
	case CodeThroughput:
		return "rate limit: too many messages per second from this number"
	case 131048:
		return "spam rate limit: too many messages from this number were blocked or reported"
	case CodeUnsupportedType:
		return "message type not supported"
	case CodeMediaUpload:
		return "the media could not be uploaded or downloaded"
	case CodeGeneric:
		return "something went wrong at WhatsApp"
	}
	if s := joinNonEmpty(": ", title, details); s != "" {
		return s
	}
	return fmt.Sprintf("whatsapp error %d", code)
}
