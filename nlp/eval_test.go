package nlp_test

import (
	"context"
	"fmt"
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
// phenomena_tune.jsonl (198) and phenomena_held.jsonl (129) are one set of 327 messages, each labelled with
// the phenomenon it stands for (group), written and labelled before any rule or model was made for it, against
// testdata/kb.yaml. Within each group the second and fourth of every five messages went to the held-aside part, which
// no rule or training choice is tuned on. First run of the engine as it was before (rules only):
//
//	part   intent  sentiment  handoff recall  handoff precision  angry recall
//	tune   0.672  0.732  0.580  0.879  0.364
//	held   0.736  0.767  0.667  0.927  0.345
//
// tuning part, first run, per group:
//
//	group                   n  intent    sent  recall          precision       angry
//	sarcasm_delay          13   0.538   0.385  0.54 (7/13)     1.00 (7/7)      0.38 (5/13)
//	money_incredulity      12   0.417   0.250  0.42 (5/12)     1.00 (5/5)      0.25 (3/12)
//	repeat_frustration     13   0.308   0.231  0.31 (4/13)     1.00 (4/4)      0.23 (3/13)
//	named_person           13   0.308   0.846  0.31 (4/13)     1.00 (4/4)      -
//	polite_chase           13   0.769   0.538  -               0.00 (0/1)      -
//	injection              12   0.417   0.583  -               0.00 (0/6)      -
//	isizulu_faq            11   0.818   0.909  -               -               -
//	branch_abroad          10   0.500   1.000  -               -               -
//	emoji                  12   0.667   0.583  0.75 (3/4)      1.00 (3/3)      0.67 (2/3)
//	greetings              11   0.909   1.000  -               -               -
//	faq_typos              12   0.583   1.000  -               -               -
//	order_status           11   0.818   1.000  -               -               -
//	refunds                12   1.000   0.917  1.00 (11/11)    1.00 (11/11)    -
//	complaints             14   0.786   0.786  0.79 (11/14)    1.00 (11/11)    1.00 (2/2)
//	mixed_language         13   1.000   0.769  1.00 (4/4)      1.00 (4/4)      1.00 (1/1)
//	thanks                  6   1.000   1.000  -               -               -
//	other                   6   1.000   1.000  -               -               -
//	ambiguous               4   0.500   1.000  0.50 (2/4)      1.00 (2/2)      -
//
// held-aside part, first run, per group:
//
//	group                   n  intent    sent  recall          precision       angry
//	sarcasm_delay           9   0.444   0.444  0.56 (5/9)      1.00 (5/5)      0.44 (4/9)
//	money_incredulity       8   0.500   0.125  0.62 (5/8)      1.00 (5/5)      0.12 (1/8)
//	repeat_frustration      8   0.625   0.125  0.38 (3/8)      1.00 (3/3)      0.12 (1/8)
//	named_person            9   0.444   1.000  0.44 (4/9)      1.00 (4/4)      -
//	polite_chase            8   0.750   0.875  -               0.00 (0/1)      -
//	injection               8   0.625   0.750  -               0.00 (0/2)      -
//	isizulu_faq             7   0.857   1.000  -               -               -
//	branch_abroad           6   0.667   1.000  -               -               -
//	emoji                   8   0.750   0.625  1.00 (2/2)      1.00 (2/2)      1.00 (1/1)
//	greetings               7   1.000   0.857  -               -               -
//	faq_typos               8   0.625   1.000  -               -               -
//	order_status            7   1.000   1.000  -               -               -
//	refunds                 8   0.875   0.875  1.00 (7/7)      1.00 (7/7)      -
//	complaints              9   0.667   0.667  0.78 (7/9)      1.00 (7/7)      1.00 (1/1)
//	mixed_language          9   1.000   1.000  1.00 (3/3)      1.00 (3/3)      1.00 (2/2)
//	thanks                  4   1.000   1.000  -               -               -
//	other                   4   1.000   1.000  -               -               -
//	ambiguous               2   1.000   1.000  1.00 (2/2)      1.00 (2/2)      -
//
// After the learned layer (learn.go, decide.go, cues.go), first run on the held-aside part; the tuning part
// was scored throughout while the engine was built:
//
//	part   intent  sentiment  handoff recall  handoff precision  angry recall
//	tune   0.970  0.919  0.989  0.989  0.977
//	held   0.938  0.938  0.965  0.948  0.931
//
// held-aside part, first run after the learned layer, per group:
//
//	group                   n  intent    sent  recall          precision       angry
//	sarcasm_delay           9   1.000   1.000  1.00 (9/9)      1.00 (9/9)      1.00 (9/9)
//	money_incredulity       8   1.000   1.000  1.00 (8/8)      1.00 (8/8)      1.00 (8/8)
//	repeat_frustration      8   0.750   0.750  0.88 (7/8)      1.00 (7/7)      0.75 (6/8)
//	named_person            9   0.889   1.000  0.89 (8/9)      1.00 (8/8)      -
//	polite_chase            8   0.875   0.875  -               0.00 (0/1)      -
//	injection               8   1.000   0.750  -               0.00 (0/1)      -
//	isizulu_faq             7   1.000   1.000  -               -               -
//	branch_abroad           6   1.000   1.000  -               -               -
//	emoji                   8   1.000   0.875  1.00 (2/2)      1.00 (2/2)      1.00 (1/1)
//	greetings               7   1.000   1.000  -               -               -
//	faq_typos               8   0.875   1.000  -               -               -
//	order_status            7   0.857   0.857  -               0.00 (0/1)      -
//	refunds                 8   0.875   0.875  1.00 (7/7)      1.00 (7/7)      -
//	complaints              9   0.889   1.000  1.00 (9/9)      1.00 (9/9)      1.00 (1/1)
//	mixed_language          9   1.000   1.000  1.00 (3/3)      1.00 (3/3)      1.00 (2/2)
//	thanks                  4   1.000   1.000  -               -               -
//	other                   4   1.000   1.000  -               -               -
//	ambiguous               2   1.000   1.000  1.00 (2/2)      1.00 (2/2)      -
//
// tuning part, after, per group:
//
//	group                   n  intent    sent  recall          precision       angry
//	sarcasm_delay          13   1.000   1.000  1.00 (13/13)    1.00 (13/13)    1.00 (13/13)
//	money_incredulity      12   1.000   0.917  1.00 (12/12)    1.00 (12/12)    0.92 (11/12)
//	repeat_frustration     13   1.000   1.000  1.00 (13/13)    1.00 (13/13)    1.00 (13/13)
//	named_person           13   0.923   0.846  0.92 (12/13)    1.00 (12/12)    -
//	polite_chase           13   0.923   0.692  -               -               -
//	injection              12   0.917   0.667  -               0.00 (0/1)      -
//	isizulu_faq            11   1.000   0.909  -               -               -
//	branch_abroad          10   1.000   1.000  -               -               -
//	emoji                  12   0.917   1.000  1.00 (4/4)      1.00 (4/4)      1.00 (3/3)
//	greetings              11   1.000   1.000  -               -               -
//	faq_typos              12   0.917   1.000  -               -               -
//	order_status           11   0.909   1.000  -               -               -
//	refunds                12   1.000   0.917  1.00 (11/11)    1.00 (11/11)    -
//	complaints             14   1.000   1.000  1.00 (14/14)    1.00 (14/14)    1.00 (2/2)
//	mixed_language         13   1.000   0.769  1.00 (4/4)      1.00 (4/4)      1.00 (1/1)
//	thanks                  6   1.000   1.000  -               -               -
//	other                   6   1.000   1.000  -               -               -
//	ambiguous               4   1.000   1.000  1.00 (4/4)      1.00 (4/4)      -
//
// One change came after that run, found on blind2 (a plain "Hoe laat maak julle oop?" read as angry from its
// topic words): the model's anger now needs a sign of grievance in the text. The held-aside part scores the
// same after it, message for message. The older sets with the learned layer (intent, sentiment, recall,
// precision): dev 1.000 0.988 1.000 1.000; extra 0.971 0.985 1.000 0.980; holdout 0.984 0.959 1.000 0.979;
// blind 0.988 0.950 1.000 1.000; blind2 1.000 0.972 1.000 1.000; lead 0.983 0.933 1.000 0.958. Their new
// misses: a lone 👍 labelled thanks there and other here (issue 12 rules it is not thanks), greetings without
// "!" read neutral, "Is your website down?", "Tell me a joke" (angry, too) and "order 88213 - has it been
// dispatched?" read as complaints, "You debited my card twice" as a complaint rather than a refund request,
// two FAQs about tracking and delivery time as order questions, and "I emailed twice and got no reply" and
// "I've phoned three times and nobody picks up" as angry where those sets say negative.
//
// Both parts were written by the engineer who then wrote the training templates (nlp/train/templates.txt)
// for the same phenomena, so they share that author's phrasing even though no corpus line is within half
// its words of an evaluated message: expect less on other people's messages.
//
// Floors: the product targets are handoff recall 0.95, handoff precision 0.90 and intent accuracy 0.85.
// The floors below sit between those targets and what the engine reaches today, a few messages under the
// measured figure, so that a regression fails while relabelling a borderline message does not. Recall is
// held highest because a missed angry customer is the expensive mistake. Sentiment has a lower floor:
// its labels are the noisiest (the dev set labels some refund requests negative and others neutral).
//
// The held-aside part's floors are the product targets themselves (handoff recall 0.95, angry recall 0.90,
// handoff precision 0.90, intent 0.85): its first run after the learned layer met them, and no change may be
// tuned on it, so a change that falls below them fails rather than being fitted to it.
var evalSets = []struct {
	file                                 string
	intent, sentiment, recall, precision float64
	angry                                float64
}{
	{"testdata/dev.jsonl", 0.95, 0.90, 0.96, 0.95, 0.95},
	{"testdata/extra.jsonl", 0.93, 0.90, 0.95, 0.93, 0.90},
	{"testdata/holdout.jsonl", 0.93, 0.90, 0.95, 0.93, 0.90},
	{"testdata/blind.jsonl", 0.93, 0.90, 0.95, 0.95, 0.90},
	{"testdata/blind2.jsonl", 0.93, 0.90, 0.95, 0.93, 0.90},
	{"testdata/lead.jsonl", 0.93, 0.88, 0.95, 0.93, 0.90},
	{"testdata/phenomena_tune.jsonl", 0.93, 0.88, 0.96, 0.96, 0.93},
	{"testdata/phenomena_held.jsonl", 0.85, 0.85, 0.95, 0.90, 0.90},
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
			check("angry recall", r.AngryRecall, set.angry)
		})
	}
}

// TestLearnedBeatsRules scores the engine with and without its learned layer on the held-aside part of the
// phenomena set and prints both:
//
//	go test ./nlp/ -run TestLearnedBeatsRules -v
func TestLearnedBeatsRules(t *testing.T) {
	k, err := kb.Load("testdata/kb.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"testdata/phenomena_held.jsonl", "testdata/phenomena_tune.jsonl"} {
		learned := evaluate(t, nlp.New(k), file)
		rules := evaluate(t, nlp.NewRulesOnly(k), file)
		line := func(name string, r classify.Report) string {
			return fmt.Sprintf("%-12s intent %.3f  sentiment %.3f  handoff recall %.3f  precision %.3f  angry recall %.3f",
				name, r.IntentAccuracy, r.SentimentAccuracy, r.HandoffRecall, r.HandoffPrecision, r.AngryRecall)
		}
		t.Logf("%s\n%s\n%s", file, line("rules alone", rules), line("learned", learned))
		if file != "testdata/phenomena_held.jsonl" {
			continue
		}
		if learned.HandoffRecall <= rules.HandoffRecall || learned.AngryRecall <= rules.AngryRecall ||
			learned.IntentAccuracy <= rules.IntentAccuracy {
			t.Errorf("the learned layer does not beat the rules alone on %s", file)
		}
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
