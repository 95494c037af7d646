package nlp_test

import (
	"context"
	"os"
	"testing"

	"github.com/supportd/supportd/classify"
	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/nlp"
)

// The labelled sets, all against testdata/kb.yaml (a copy of the product's evaluation knowledge base):
//
//   - dev.jsonl: the product's development set, copied from the shared eval folder;
//   - extra.jsonl, holdout.jsonl, blind.jsonl, blind2.jsonl: messages written for this engine by the same
//     labelling rules (CONTRACT.md vocabulary; handoff by the default policy), in other words than the dev
//     set: English, Afrikaans, isiZulu, isiXhosa, Sesotho, slang, typos and emoji.
//
// Each extra set was labelled before the engine saw it and scored once before any rule was changed for
// it, which is the honest estimate of the engine on unseen messages of this kind:
//
//	set       first score: intent  sentiment  handoff recall  handoff precision
//	extra                  0.860   0.912      0.896           1.000
//	holdout                0.821   0.911      0.894           1.000
//	blind                  0.875   0.925      0.839           0.963
//	blind2                 0.986   0.986      1.000           1.000
//	lead                   0.950   0.900      0.957           0.957
//
// lead.jsonl was written by another engineer who had not read the engine's rules; its two handoff misses
// (sarcastic "thanks a lot for nothing", and a question about the policy on faulty items read as a
// complaint) were fixed by two general rules.
//
// The misses of the first three showed gaps in the lexicons (isiZulu concords, Afrikaans plurals, public
// holiday dates, fault phrasings) and were fixed by general rules, not by sentence; blind2, written last,
// measures the result. The sets share their author's phrasing habits, so expect less on other people's
// messages.
//
// Floors: the product targets are handoff recall 0.95, handoff precision 0.90 and intent accuracy 0.85.
// The floors below sit between those targets and what the engine reaches today, a few messages under the
// measured figure, so that a regression fails while relabelling a borderline message does not. Recall is
// held highest because a missed angry customer is the expensive mistake. Sentiment has a lower floor:
// its labels are the noisiest (the dev set labels some refund requests negative and others neutral).
var evalSets = []struct {
	file                                 string
	intent, sentiment, recall, precision float64
}{
	{"testdata/dev.jsonl", 0.95, 0.90, 0.96, 0.95},
	{"testdata/extra.jsonl", 0.93, 0.90, 0.95, 0.95},
	{"testdata/holdout.jsonl", 0.93, 0.90, 0.95, 0.95},
	{"testdata/blind.jsonl", 0.93, 0.90, 0.95, 0.95},
	{"testdata/blind2.jsonl", 0.93, 0.90, 0.95, 0.95},
	{"testdata/lead.jsonl", 0.93, 0.88, 0.95, 0.95},
}

// TestEvalSets scores the engine on every labelled set and prints the reports with -v:
//
//	go test ./nlp/ -run TestEvalSets -v
func TestEvalSets(t *testing.T) {
	e := evalEngine(t)
	for _, set := range evalSets {
		t.Run(set.file, func(t *testing.T) {
			r := evaluate(t, e, set.file)
			t.Logf("%s\n%s", set.file, r)
			check := func(name string, got, floor float64) {
				if got < floor {
					t.Errorf("%s %.3f is below the floor %.2f", name, got, floor)
				}
			}
			check("intent accuracy", r.IntentAccuracy, set.intent)
			check("sentiment accuracy", r.SentimentAccuracy, set.sentiment)
			check("handoff recall", r.HandoffRecall, set.recall)
			check("handoff precision", r.HandoffPrecision, set.precision)
		})
	}
}

func evalEngine(t testing.TB) *nlp.Engine {
	t.Helper()
	k, err := kb.Load("testdata/kb.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return nlp.New(k)
}

func evaluate(t *testing.T, e *nlp.Engine, file string) classify.Report {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	labelled, err := classify.ReadLabelled(f)
	if err != nil {
		t.Fatal(err)
	}
	results, err := classify.Evaluate(context.Background(), e, labelled)
	if err != nil {
		t.Fatal(err)
	}
	return classify.Score(labelled, results)
}
