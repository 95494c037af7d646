// Package classify runs an ai.Engine over JSON lines of customer messages and scores the verdicts against
// labels. It backs `supportd classify` and its --score flag, and the engines' accuracy tests.
//
// Input lines are objects with a "text" field ({"text": "..."}); other fields are ignored and blank lines
// skipped. Each input line gives one output line with exactly "text", "intent", "sentiment", "handoff"
// and "reason", the handoff decided by conversation.HandoffPolicy, the one place that rule lives.
package classify

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows/conversation"
)

// Result is the verdict on one message, as written by Run.
type Result struct {
	Text      string                 `json:"text"`
	Intent    conversation.Intent    `json:"intent"`
	Sentiment conversation.Sentiment `json:"sentiment"`
	Handoff   bool                   `json:"handoff"`
	Reason    handoff.Reason         `json:"reason"`
}

// lineError is the output line for an input line that could not be classified.
type lineError struct {
	Line  int    `json:"line"`
	Text  string `json:"text,omitempty"`
	Error string `json:"error"`
}

// maxLine is the longest input line Run accepts.
const maxLine = 1 << 20

// Classify classifies one message and applies the handoff policy.
func Classify(ctx context.Context, engine ai.Engine, text string) (Result, error) {
	c, err := engine.Classify(ctx, ai.ClassifyRequest{Text: text})
	if err != nil {
		return Result{}, err
	}
	ok, reason := conversation.HandoffPolicy(c)
	return Result{Text: text, Intent: c.Intent, Sentiment: c.Sentiment, Handoff: ok, Reason: reason}, nil
}

// Run reads JSON lines from in and writes one verdict line per message to out. A malformed line or a
// message the engine fails on gives an output line with "line" and "error" instead, and processing
// continues. Run stops early only when ctx ends, when reading or writing fails, or when the engine reports
// a permanent error (ai.IsPermanent), which no later line would escape.
func Run(ctx context.Context, engine ai.Engine, in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	// Each verdict is written as soon as it is known, so that a person typing lines sees the answers.
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for n := 1; sc.Scan(); n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var msg struct {
			Text *string `json:"text"`
		}
		if err := json.Unmarshal([]byte(line), &msg); err != nil {
			if err := enc.Encode(lineError{Line: n, Error: "invalid JSON: " + err.Error()}); err != nil {
				return fmt.Errorf("write result: %w", err)
			}
			continue
		}
		if msg.Text == nil {
			if err := enc.Encode(lineError{Line: n, Error: `missing "text" field`}); err != nil {
				return fmt.Errorf("write result: %w", err)
			}
			continue
		}
		r, err := Classify(ctx, engine, *msg.Text)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
				return ctxErr
			}
			if err := enc.Encode(lineError{Line: n, Text: *msg.Text, Error: err.Error()}); err != nil {
				return fmt.Errorf("write result: %w", err)
			}
			if ai.IsPermanent(err) {
				return fmt.Errorf("line %d: %w", n, err)
			}
			continue
		}
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write result: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read messages: %w", err)
	}
	return nil
}
