package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/supportd/supportd/classify"
	"github.com/supportd/supportd/internal/app"
	"github.com/supportd/supportd/internal/config"
	"github.com/supportd/supportd/worker"
)

// runClassify classifies JSON lines from stdin, or with a score file scores the classifier against that
// labelled JSON-lines file and prints per-field accuracy and handoff recall and precision.
func runClassify(cfg *config.Config, score string, stdin io.Reader, stdout, stderr io.Writer) int {
	k, err := app.LoadKB(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "supportd classify: %v\n", err)
		return 2
	}
	engine, _, err := worker.NewEngine(cfg, k)
	if err != nil {
		fmt.Fprintf(stderr, "supportd classify: %v\n", err)
		return 2
	}
	ctx := context.Background()
	if score == "" {
		if err := classify.Run(ctx, engine, stdin, stdout); err != nil {
			fmt.Fprintf(stderr, "supportd classify: %v\n", err)
			return 1
		}
		return 0
	}
	f, err := os.Open(score)
	if err != nil {
		fmt.Fprintf(stderr, "supportd classify: --score: %v\n", err)
		return 2
	}
	defer f.Close()
	labelled, err := classify.ReadLabelled(f)
	if err != nil {
		fmt.Fprintf(stderr, "supportd classify: --score %s: %v\n", score, err)
		return 2
	}
	results, err := classify.Evaluate(ctx, engine, labelled)
	if err != nil {
		fmt.Fprintf(stderr, "supportd classify: %v\n", err)
		return 1
	}
	fmt.Fprint(stdout, classify.Score(labelled, results).String())
	return 0
}
