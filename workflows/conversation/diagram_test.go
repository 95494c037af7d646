package conversation

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/handoff"
)

// stateDiagram draws the conversation's states from Transition itself: every event applied to a conversation
// in every state (the bot's, a handoff waiting for a person, one a person holds, one waiting for a
// confirmation), and an edge for each change of status.
func stateDiagram() string {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	agent := Agent{Name: "Sipho", ID: "U1"}
	bot := State{Status: StatusActive, Settings: Settings{IdleTimeout: time.Hour}}
	waiting := bot
	waiting.Transition(Event{Kind: EvHandoff, Reason: handoff.ReasonRefund, At: t0})
	held := waiting
	held.Transition(Event{Kind: EvTakeover, Agent: agent, At: t0})
	confirming := held
	confirming.Transition(Event{Kind: EvIdle, At: t0.Add(time.Hour)})
	events := []EventKind{EvHandoff, EvTakeover, EvReply, EvKeep, EvNote, EvIdle, EvReturn, EvEcho, EvCancel}
	labels := map[[2]Status][]string{}
	for _, from := range []State{bot, waiting, held, confirming} {
		for _, kind := range events {
			s := from
			s.Todo, s.Notices = nil, nil
			s.Transition(Event{Kind: kind, Reason: handoff.ReasonRefund, Agent: agent, At: t0.Add(2 * time.Hour)})
			if s.Status == from.Status {
				continue
			}
			edge := [2]Status{from.Status, s.Status}
			if !slices.Contains(labels[edge], string(kind)) {
				labels[edge] = append(labels[edge], string(kind))
			}
		}
	}
	var lines []string
	for edge, kinds := range labels {
		slices.Sort(kinds)
		lines = append(lines, fmt.Sprintf("    %s --> %s: %s", edge[0], edge[1], strings.Join(kinds, ", ")))
	}
	slices.Sort(lines)
	return "stateDiagram-v2\n    [*] --> active\n" + strings.Join(lines, "\n") + "\n"
}

// TestStateDiagramMatchesTheTransitions: the state diagram in docs/DESIGN.md is the one Transition draws.
func TestStateDiagramMatchesTheTransitions(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/DESIGN.md")
	if err != nil {
		t.Fatal(err)
	}
	want := stateDiagram()
	if !strings.Contains(string(doc), "```mermaid\n"+want+"```") {
		t.Fatalf("docs/DESIGN.md's state diagram differs from the transitions; it should read:\n```mermaid\n%s```", want)
	}
}
