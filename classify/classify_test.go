package classify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/workflows/conversation"
)

// fakeEngine classifies by table and fails on demand.
type fakeEngine struct {
	verdicts map[string]conversation.Classification
	fail     map[string]error
}

func (f fakeEngine) Classify(_ context.Context, req ai.ClassifyRequest) (conversation.Classification, error) {
	if err := f.fail[req.Text]; err != nil {
		return conversation.Classification{}, err
	}
	if c, ok := f.verdicts[req.Text]; ok {
		return c, nil
	}
	return conversation.Classification{Intent: conversation.IntentOther, Sentiment: conversation.SentimentNeutral}, nil
}

func (fakeEngine) Reply(context.Context, ai.ReplyRequest) (ai.Reply, error) {
	return ai.Reply{}, nil
}

func (fakeEngine) Summarize(context.Context, ai.SummaryRequest) (string, error) { return "", nil }

func engine() fakeEngine {
	return fakeEngine{
		verdicts: map[string]conversation.Classification{
			"refund please":  {Intent: conversation.IntentRefundRequest, Sentiment: conversation.SentimentNeutral},
			"hours?":         {Intent: conversation.IntentFAQ, Sentiment: conversation.SentimentNeutral},
			"useless!!":      {Intent: conversation.IntentComplaint, Sentiment: conversation.SentimentAngry},
			"angry refund!!": {Intent: conversation.IntentRefundRequest, Sentiment: conversation.SentimentAngry},
		},
		fail: map[string]error{"boom": errors.New("engine down")},
	}
}

func TestRun(t *testing.T) {
	in := strings.Join([]string{
		`{"text": "refund please", "intent": "ignored"}`,
		``,
		`   `,
		`{"text": "hours?"}`,
		`not json`,
		`{"message": "no text"}`,
		`{"text": "boom"}`,
		`{"text": "angry refund!!"}`,
		`{"text": "<b>&</b>"}`,
	}, "\n")
	var out bytes.Buffer
	if err := Run(context.Background(), engine(), strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		`{"text":"refund please","intent":"refund_request","sentiment":"neutral","handoff":true,"reason":"refund_request"}`,
		`{"text":"hours?","intent":"faq","sentiment":"neutral","handoff":false,"reason":""}`,
		`{"line":5,"error":"invalid JSON: *`,
		`{"line":6,"error":"missing \"text\" field"}`,
		`{"line":7,"text":"boom","error":"engine down"}`,
		`{"text":"angry refund!!","intent":"refund_request","sentiment":"angry","handoff":true,"reason":"angry"}`,
		`{"text":"<b>&</b>","intent":"other","sentiment":"neutral","handoff":false,"reason":""}`,
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	for i := range want {
		if prefix, ok := strings.CutSuffix(want[i], "*"); ok && strings.HasPrefix(lines[i], prefix) {
			continue
		}
		if lines[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], want[i])
		}
	}
	// A verdict line holds exactly the five contract fields.
	var fields map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &fields); err != nil {
		t.Fatal(err)
	}
	if len(fields) != 5 {
		t.Errorf("verdict has fields %v, want text, intent, sentiment, handoff, reason", fields)
	}
}

func TestRunStops(t *testing.T) {
	e := engine()
	e.fail["key"] = ai.Permanent(errors.New("invalid API key"))
	var out bytes.Buffer
	err := Run(context.Background(), e, strings.NewReader("{\"text\":\"key\"}\n{\"text\":\"hours?\"}\n"), &out)
	if err == nil || !ai.IsPermanent(err) {
		t.Errorf("Run with a permanent engine error = %v, want it returned", err)
	}
	if strings.Count(out.String(), "\n") != 1 || !strings.Contains(out.String(), "invalid API key") {
		t.Errorf("output before stopping:\n%s", out.String())
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, engine(), strings.NewReader(`{"text":"hours?"}`), &out); !errors.Is(err, context.Canceled) {
		t.Errorf("Run on a cancelled context = %v", err)
	}
}

func TestReadLabelled(t *testing.T) {
	in := `{"text":"a","intent":"faq","sentiment":"neutral","handoff":true}

{"text":"b","intent":"complaint","sentiment":"negative"}
{"text":"c","intent":"faq","sentiment":"angry"}
`
	got, err := ReadLabelled(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !got[0].Handoff || !got[1].Handoff || !got[2].Handoff {
		t.Errorf("ReadLabelled = %+v; want the given handoff kept and missing ones derived by policy", got)
	}
	for _, bad := range []string{`{"text":"x","intent":"chitchat","sentiment":"neutral"}`, `{"text":`} {
		if _, err := ReadLabelled(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("ReadLabelled(%q) = %v, want an error naming line 1", bad, err)
		}
	}
}

func TestScore(t *testing.T) {
	labelled := []Labelled{
		{Text: "refund", Intent: conversation.IntentRefundRequest, Sentiment: conversation.SentimentNeutral, Handoff: true},
		{Text: "rude", Intent: conversation.IntentComplaint, Sentiment: conversation.SentimentAngry, Handoff: true},
		{Text: "hours", Intent: conversation.IntentFAQ, Sentiment: conversation.SentimentNeutral, Handoff: false},
		{Text: "hi", Intent: conversation.IntentGreeting, Sentiment: conversation.SentimentPositive, Handoff: false},
	}
	predicted := []Result{
		{Text: "refund", Intent: conversation.IntentRefundRequest, Sentiment: conversation.SentimentNeutral, Handoff: true},
		{Text: "rude", Intent: conversation.IntentOther, Sentiment: conversation.SentimentNegative, Handoff: false},
		{Text: "hours", Intent: conversation.IntentFAQ, Sentiment: conversation.SentimentAngry, Handoff: true},
		{Text: "hi", Intent: conversation.IntentGreeting, Sentiment: conversation.SentimentPositive, Handoff: false},
	}
	r := Score(labelled, predicted)
	if r.N != 4 || r.IntentCorrect != 3 || r.SentimentCorrect != 2 || r.HandoffCorrect != 2 {
		t.Errorf("counts = %+v", r)
	}
	if r.HandoffTP != 1 || r.HandoffFP != 1 || r.HandoffFN != 1 || r.HandoffRecall != 0.5 || r.HandoffPrecision != 0.5 {
		t.Errorf("handoff = tp %d fp %d fn %d recall %.2f precision %.2f", r.HandoffTP, r.HandoffFP, r.HandoffFN,
			r.HandoffRecall, r.HandoffPrecision)
	}
	if c := r.Confusion("intent"); len(c) != 1 || c[0] != "complaint -> other: 1" {
		t.Errorf("intent confusion = %q", c)
	}
	s := r.String()
	for _, want := range []string{"intent accuracy     0.750 (3/4)", "handoff recall      0.500 (1/2)",
		"complaint -> other: 1", `"rude"`, "sentiment misses"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}

	// Missing predictions count as wrong; empty sets have vacuous recall and precision.
	if r := Score(labelled, predicted[:2]); r.IntentCorrect != 1 || r.HandoffFN != 1 {
		t.Errorf("short predictions: %+v", r)
	}
	if r := Score(nil, nil); r.HandoffRecall != 1 || r.HandoffPrecision != 1 || r.IntentAccuracy != 0 {
		t.Errorf("empty: %+v", r)
	}
}

func TestScoreGroups(t *testing.T) {
	labelled := []Labelled{
		{Text: "a", Intent: conversation.IntentComplaint, Sentiment: conversation.SentimentAngry, Handoff: true, Group: "sarcasm"},
		{Text: "b", Intent: conversation.IntentComplaint, Sentiment: conversation.SentimentAngry, Handoff: true, Group: "sarcasm"},
		{Text: "c", Intent: conversation.IntentOrderStatus, Sentiment: conversation.SentimentNeutral, Group: "chase"},
	}
	predicted := []Result{
		{Text: "a", Intent: conversation.IntentComplaint, Sentiment: conversation.SentimentAngry, Handoff: true},
		{Text: "b", Intent: conversation.IntentThanks, Sentiment: conversation.SentimentPositive},
		{Text: "c", Intent: conversation.IntentComplaint, Sentiment: conversation.SentimentNegative, Handoff: true},
	}
	r := Score(labelled, predicted)
	if r.AngryN != 2 || r.AngryTP != 1 || r.AngryRecall != 0.5 {
		t.Errorf("angry = %d/%d %.2f", r.AngryTP, r.AngryN, r.AngryRecall)
	}
	if len(r.Groups) != 2 || r.Groups[0].Group != "sarcasm" || r.Groups[0].HandoffRecall != 0.5 ||
		r.Groups[0].IntentAccuracy != 0.5 || r.Groups[1].HandoffPrecision != 0 || r.Groups[1].HandoffRecall != 1 {
		t.Errorf("groups = %+v", r.Groups)
	}
	if r.IntentMatrix[conversation.IntentComplaint][conversation.IntentThanks] != 1 || r.IntentMatrix[conversation.IntentComplaint][conversation.IntentComplaint] != 1 {
		t.Errorf("matrix = %v", r.IntentMatrix)
	}
	s := r.String()
	for _, want := range []string{"angry recall        0.500 (1/2)", "per group", "sarcasm                 2   0.500",
		"0.50 (1/2)", "intents (rows labelled, columns predicted)", "handoff recall      0.500 (1/2)"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
	// Without groups there is no group table.
	if s := Score(labelled[:1:1], predicted[:1]).String(); strings.Contains(s, "per group") == false {
		t.Errorf("a grouped message gives a table:\n%s", s)
	}
	if s := Score([]Labelled{{Text: "x", Intent: conversation.IntentOther, Sentiment: conversation.SentimentNeutral}}, nil).String(); strings.Contains(s, "per group") {
		t.Errorf("ungrouped set printed a group table:\n%s", s)
	}
}

func TestEvaluate(t *testing.T) {
	labelled := []Labelled{{Text: "useless!!"}, {Text: "hours?"}}
	got, err := Evaluate(context.Background(), engine(), labelled)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Handoff || got[0].Reason != "angry" || got[1].Intent != conversation.IntentFAQ {
		t.Errorf("Evaluate = %+v", got)
	}
	if _, err := Evaluate(context.Background(), engine(), []Labelled{{Text: "boom"}}); err == nil {
		t.Error("Evaluate with a failing engine succeeded")
	}
}
