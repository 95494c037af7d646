package logx

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"

	"github.com/supportd/supportd/workflows/conversation"
)

// conversationID finds conversation workflow ids, which carry the customer's number: every log line of the
// Temporal SDK and server names its workflow.
var conversationID = regexp.MustCompile(regexp.QuoteMeta(conversation.WorkflowIDPrefix) + `([A-Za-z0-9.]+)`)

// MaskText masks the customer numbers inside conversation workflow ids in s.
func MaskText(s string) string {
	return conversationID.ReplaceAllStringFunc(s, func(id string) string {
		return conversation.WorkflowIDPrefix + MaskPhone(id[len(conversation.WorkflowIDPrefix):])
	})
}

// MaskingHandler wraps a slog handler so that no record carries a customer number in a workflow id.
type MaskingHandler struct{ next slog.Handler }

// NewMaskingHandler wraps next.
func NewMaskingHandler(next slog.Handler) *MaskingHandler { return &MaskingHandler{next: next} }

// Enabled reports whether next handles the level.
func (h *MaskingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// Handle masks the record's message and attributes and passes it on.
func (h *MaskingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, MaskText(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(maskAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs masks attributes added to a derived logger.
func (h *MaskingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		masked[i] = maskAttr(a)
	}
	return &MaskingHandler{next: h.next.WithAttrs(masked)}
}

// WithGroup passes the group on.
func (h *MaskingHandler) WithGroup(name string) slog.Handler {
	return &MaskingHandler{next: h.next.WithGroup(name)}
}

func maskAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, MaskText(v.String()))
	case slog.KindGroup:
		g := v.Group()
		masked := make([]any, len(g))
		for i, ga := range g {
			masked[i] = maskAttr(ga)
		}
		return slog.Group(a.Key, masked...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, MaskText(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, MaskText(x.String()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
