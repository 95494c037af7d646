package conversation

import "context"

// The outside world as the conversation needs it. The activities call these; WhatsApp (or the dev
// simulator), Slack (or nothing) and Redis implement them.

// Sender delivers messages to a customer: the WhatsApp Graph API, or the built-in simulator in dev mode.
type Sender interface {
	SendText(ctx context.Context, to, text string) (string, error)
	SendButtons(ctx context.Context, to, body string, buttons []Button) (string, error)
	// SendTemplate sends an approved template, its body parameters in order (outside the 24-hour window).
	SendTemplate(ctx context.Context, to, name, language string, bodyParams []string) (string, error)
	MarkRead(ctx context.Context, messageID string, typing bool) error
	// Classify sorts a send error: retryable, window closed (131047), or rejected for good.
	Classify(err error) SendErrorKind
}

// SendErrorKind is how a send failure must be handled.
type SendErrorKind int

// The kinds of send failure.
const (
	SendRetryable SendErrorKind = iota
	SendWindowClosed
	SendRejected
)

// Notifier tells agents about a conversation: the Slack card and thread, or nothing when only the built-in
// console is used (the console reads the workflow directly).
type Notifier interface {
	Notify(ctx context.Context, n Notice) (NoticeResult, error)
}

// StatusMirror copies the conversation's status into fast shared storage (Redis) for other systems and the
// console's list.
type StatusMirror interface {
	Mirror(ctx context.Context, m Mirror) error
}
