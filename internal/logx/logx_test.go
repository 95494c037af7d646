package logx

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"27821234567": "*******4567",
		"1234":        "****",
		"":            "",
		" 123456 ":    "**3456",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskingHandler(t *testing.T) {
	var b strings.Builder
	l := slog.New(NewMaskingHandler(slog.NewTextHandler(&b, nil)))
	l.With("WorkflowID", "conversation-27821234567").Info("query conversation-27821234567 failed",
		"error", errors.New("workflow conversation-27821234567 not found"), slog.Group("g", "id", "conversation-27821234567"))
	if strings.Contains(b.String(), "2782123") || !strings.Contains(b.String(), "conversation-*******4567") {
		t.Fatalf("not masked: %s", b.String())
	}
}
