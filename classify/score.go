package classify

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/workflows/conversation"
)

// Labelled is one message of an evaluation set with the verdict a person gave it.
type Labelled struct {
	Text      string                 `json:"text"`
	Intent    conversation.Intent    `json:"intent"`
	Sentiment conversation.Sentiment `json:"sentiment"`
	// Handoff is the label's handoff; when a file leaves it out, ReadLabelled applies conversation.HandoffPolicy to the
	// labelled intent and sentiment.
	Handoff bool `json:"handoff"`
	// Group optionally names the phenomenon the message stands for ("sarcasm_delay", "emoji"); the report
	// scores each group apart when any message has one.
	Group string `json:"group,omitempty"`
}

// ReadLabelled reads an evaluation set: JSON lines with "text", "intent", "sentiment" and optionally
// "handoff". Blank lines are skipped; a malformed line or an intent or sentiment outside the vocabulary is
// an error naming the line.
func ReadLabelled(r io.Reader) ([]Labelled, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	var out []Labelled
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var l struct {
			Labelled
			Handoff *bool `json:"handoff"`
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if !l.Intent.Valid() {
			return nil, fmt.Errorf("line %d: unknown intent %q", n, l.Intent)
		}
		if !l.Sentiment.Valid() {
			return nil, fmt.Errorf("line %d: unknown sentiment %q", n, l.Sentiment)
		}
		if l.Handoff != nil {
			l.Labelled.Handoff = *l.Handoff
		} else {
			l.Labelled.Handoff, _ = conversation.HandoffPolicy(conversation.Classification{Intent: l.Intent, Sentiment: l.Sentiment})
		}
		out = append(out, l.Labelled)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read labelled messages: %w", err)
	}
	return out, nil
}

// Evaluate classifies every labelled message, in order.
func Evaluate(ctx context.Context, engine ai.Engine, labelled []Labelled) ([]Result, error) {
	out := make([]Result, 0, len(labelled))
	for i, l := range labelled {
		r, err := Classify(ctx, engine, l.Text)
		if err != nil {
			return nil, fmt.Errorf("message %d %q: %w", i+1, l.Text, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// Report scores predicted verdicts against labels.
type Report struct {
	// N is the number of labelled messages.
	N int
	// Correct counts per field.
	IntentCorrect, SentimentCorrect, HandoffCorrect int
	// Accuracies per field, in [0, 1].
	IntentAccuracy, SentimentAccuracy, HandoffAccuracy float64
	// Handoff confusion: handed off and should have been (TP), handed off but should not (FP), not handed
	// off but should have been (FN).
	HandoffTP, HandoffFP, HandoffFN int
	// HandoffRecall is TP/(TP+FN): the share of conversations that needed a person and got one. A missed
	// angry customer lowers it. It is 1 when no message needed a person.
	HandoffRecall float64
	// HandoffPrecision is TP/(TP+FP): the share of handoffs that were needed. It is 1 when nothing was
	// handed off.
	HandoffPrecision float64
	// AngryTP counts messages labelled angry and predicted angry; AngryN those labelled angry.
	// AngryRecall is AngryTP/AngryN, 1 when none is labelled angry.
	AngryTP, AngryN int
	AngryRecall     float64
	// IntentMatrix[want][got] counts every message by labelled and predicted intent.
	IntentMatrix map[conversation.Intent]map[conversation.Intent]int
	// Groups scores each labelled group apart, in order of first appearance; empty when no message has a
	// group.
	Groups []GroupScore
	// Misses lists every wrong field, in input order.
	Misses []Miss
}

// GroupScore is the score of the messages of one group.
type GroupScore struct {
	Group string
	N     int
	// IntentCorrect and SentimentCorrect count right fields; the accuracies are their shares.
	IntentCorrect, SentimentCorrect   int
	IntentAccuracy, SentimentAccuracy float64
	HandoffTP, HandoffFP, HandoffFN   int
	HandoffRecall, HandoffPrecision   float64
	AngryTP, AngryN                   int
	AngryRecall                       float64
}

// Miss is one wrong field of one message.
type Miss struct {
	Field string // "intent", "sentiment" or "handoff"
	Text  string
	Want  string
	Got   string
}

// Score compares predicted[i] with labelled[i]. A labelled message without a prediction counts as wrong in
// every field.
func Score(labelled []Labelled, predicted []Result) Report {
	r := Report{N: len(labelled), IntentMatrix: map[conversation.Intent]map[conversation.Intent]int{}}
	groups := map[string]*GroupScore{}
	var order []string
	for i, l := range labelled {
		var p Result
		if i < len(predicted) {
			p = predicted[i]
		}
		check := func(field, want, got string) bool {
			if want == got && i < len(predicted) {
				return true
			}
			r.Misses = append(r.Misses, Miss{Field: field, Text: l.Text, Want: want, Got: got})
			return false
		}
		if check("intent", string(l.Intent), string(p.Intent)) {
			r.IntentCorrect++
		}
		if check("sentiment", string(l.Sentiment), string(p.Sentiment)) {
			r.SentimentCorrect++
		}
		if check("handoff", fmt.Sprint(l.Handoff), fmt.Sprint(p.Handoff)) {
			r.HandoffCorrect++
		}
		switch {
		case l.Handoff && p.Handoff:
			r.HandoffTP++
		case !l.Handoff && p.Handoff:
			r.HandoffFP++
		case l.Handoff && !p.Handoff:
			r.HandoffFN++
		}
		if l.Sentiment == conversation.SentimentAngry {
			r.AngryN++
			if p.Sentiment == conversation.SentimentAngry && i < len(predicted) {
				r.AngryTP++
			}
		}
		if r.IntentMatrix[l.Intent] == nil {
			r.IntentMatrix[l.Intent] = map[conversation.Intent]int{}
		}
		r.IntentMatrix[l.Intent][p.Intent]++
		if l.Group == "" {
			continue
		}
		g := groups[l.Group]
		if g == nil {
			g = &GroupScore{Group: l.Group}
			groups[l.Group] = g
			order = append(order, l.Group)
		}
		got := i < len(predicted)
		g.N++
		if got && p.Intent == l.Intent {
			g.IntentCorrect++
		}
		if got && p.Sentiment == l.Sentiment {
			g.SentimentCorrect++
		}
		switch {
		case l.Handoff && p.Handoff:
			g.HandoffTP++
		case !l.Handoff && p.Handoff:
			g.HandoffFP++
		case l.Handoff && !p.Handoff:
			g.HandoffFN++
		}
		if l.Sentiment == conversation.SentimentAngry {
			g.AngryN++
			if got && p.Sentiment == conversation.SentimentAngry {
				g.AngryTP++
			}
		}
	}
	for _, name := range order {
		g := groups[name]
		g.IntentAccuracy = ratio(g.IntentCorrect, g.N, 0)
		g.SentimentAccuracy = ratio(g.SentimentCorrect, g.N, 0)
		g.HandoffRecall = ratio(g.HandoffTP, g.HandoffTP+g.HandoffFN, 1)
		g.HandoffPrecision = ratio(g.HandoffTP, g.HandoffTP+g.HandoffFP, 1)
		g.AngryRecall = ratio(g.AngryTP, g.AngryN, 1)
		r.Groups = append(r.Groups, *g)
	}
	r.IntentAccuracy = ratio(r.IntentCorrect, r.N, 0)
	r.SentimentAccuracy = ratio(r.SentimentCorrect, r.N, 0)
	r.HandoffAccuracy = ratio(r.HandoffCorrect, r.N, 0)
	r.HandoffRecall = ratio(r.HandoffTP, r.HandoffTP+r.HandoffFN, 1)
	r.HandoffPrecision = ratio(r.HandoffTP, r.HandoffTP+r.HandoffFP, 1)
	r.AngryRecall = ratio(r.AngryTP, r.AngryN, 1)
	return r
}

func ratio(a, b int, empty float64) float64 {
	if b == 0 {
		return empty
	}
	return float64(a) / float64(b)
}

// Confusion counts the misses of one field by wanted and predicted value, most frequent first, as
// "want -> got: count" lines.
func (r Report) Confusion(field string) []string {
	counts := map[string]int{}
	for _, m := range r.Misses {
		if m.Field == field {
			counts[m.Want+" -> "+m.Got]++
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fmt.Sprintf("%s: %d", k, counts[k])
	}
	return out
}

// GroupTable prints one line per group: size, intent and sentiment accuracy, handoff recall and precision
// (with their counts) and angry recall; "-" where a group has nothing to count. Empty without groups.
func (r Report) GroupTable() string {
	if len(r.Groups) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-20s %4s  %6s  %6s  %-14s  %-14s  %s\n", "group", "n", "intent", "sent", "recall", "precision", "angry")
	frac := func(a, n int) string {
		if n == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f (%d/%d)", float64(a)/float64(n), a, n)
	}
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "%-20s %4d  %6.3f  %6.3f  %-14s  %-14s  %s\n", g.Group, g.N, g.IntentAccuracy,
			g.SentimentAccuracy, frac(g.HandoffTP, g.HandoffTP+g.HandoffFN), frac(g.HandoffTP, g.HandoffTP+g.HandoffFP),
			frac(g.AngryTP, g.AngryN))
	}
	return b.String()
}

// IntentTable prints the confusion of intents: a row per labelled intent, a column per predicted one.
func (r Report) IntentTable() string {
	var b strings.Builder
	short := func(i conversation.Intent) string {
		s := string(i)
		if i == "" {
			s = "none"
		}
		if len(s) > 8 {
			s = s[:8]
		}
		return s
	}
	cols := append([]conversation.Intent{}, conversation.Intents...)
	for _, row := range r.IntentMatrix {
		if row[""] > 0 {
			cols = append(cols, "")
			break
		}
	}
	fmt.Fprintf(&b, "%-16s", "want \\ got")
	for _, c := range cols {
		fmt.Fprintf(&b, " %8s", short(c))
	}
	b.WriteString("\n")
	for _, w := range conversation.Intents {
		row := r.IntentMatrix[w]
		if len(row) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%-16s", w)
		for _, c := range cols {
			if row[c] == 0 {
				fmt.Fprintf(&b, " %8s", ".")
			} else {
				fmt.Fprintf(&b, " %8d", row[c])
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// String prints the scores, the per-group table, the confusion of intents and every miss.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "messages            %d\n", r.N)
	fmt.Fprintf(&b, "intent accuracy     %.3f (%d/%d)\n", r.IntentAccuracy, r.IntentCorrect, r.N)
	fmt.Fprintf(&b, "sentiment accuracy  %.3f (%d/%d)\n", r.SentimentAccuracy, r.SentimentCorrect, r.N)
	fmt.Fprintf(&b, "handoff accuracy    %.3f (%d/%d)\n", r.HandoffAccuracy, r.HandoffCorrect, r.N)
	fmt.Fprintf(&b, "handoff recall      %.3f (%d/%d)\n", r.HandoffRecall, r.HandoffTP, r.HandoffTP+r.HandoffFN)
	fmt.Fprintf(&b, "handoff precision   %.3f (%d/%d)\n", r.HandoffPrecision, r.HandoffTP, r.HandoffTP+r.HandoffFP)
	fmt.Fprintf(&b, "angry recall        %.3f (%d/%d)\n", r.AngryRecall, r.AngryTP, r.AngryN)
	if t := r.GroupTable(); t != "" {
		fmt.Fprintf(&b, "\nper group\n%s", t)
	}
	if r.N > 0 {
		fmt.Fprintf(&b, "\nintents (rows labelled, columns predicted)\n%s", r.IntentTable())
	}
	for _, field := range []string{"intent", "sentiment", "handoff"} {
		conf := r.Confusion(field)
		if len(conf) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s misses (want -> got)\n", field)
		for _, c := range conf {
			fmt.Fprintf(&b, "  %s\n", c)
		}
		for _, m := range r.Misses {
			if m.Field == field {
				fmt.Fprintf(&b, "  %-10s -> %-10s %q\n", m.Want, m.Got, m.Text)
			}
		}
	}
	return b.String()
}
