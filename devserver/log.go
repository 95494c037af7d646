package devserver

import (
	"context"
	"log/slog"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// logger passes the server's warnings and errors to slog; its info chatter is dropped.
type logger struct{ log *slog.Logger }

var _ log.Logger = logger{}

func newLogger(l *slog.Logger) logger { return logger{log: l.With("component", "temporal")} }

func (l logger) Debug(string, ...tag.Tag)           {}
func (l logger) Info(string, ...tag.Tag)            {}
func (l logger) Warn(msg string, tags ...tag.Tag)   { l.emit(slog.LevelWarn, msg, tags) }
func (l logger) Error(msg string, tags ...tag.Tag)  { l.emit(slog.LevelError, msg, tags) }
func (l logger) DPanic(msg string, tags ...tag.Tag) { l.emit(slog.LevelError, msg, tags) }
func (l logger) Panic(msg string, tags ...tag.Tag)  { l.emit(slog.LevelError, msg, tags) }
func (l logger) Fatal(msg string, tags ...tag.Tag)  { l.emit(slog.LevelError, msg, tags) }
func (l logger) With(tags ...tag.Tag) log.Logger    { return logger{log: l.log.With(attrs(tags)...)} }
func (l logger) emit(lv slog.Level, msg string, tags []tag.Tag) {
	if l.log.Enabled(context.Background(), lv) {
		l.log.Log(context.Background(), lv, msg, attrs(tags)...)
	}
}

func attrs(tags []tag.Tag) []any {
	out := make([]any, 0, len(tags))
	for _, t := range tags {
		out = append(out, slog.Any(t.Key(), t.Value()))
	}
	return out
}
