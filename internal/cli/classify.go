package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/supportd/supportd/classify"
	"github.com/supportd/supportd/internal/app"
	"github.com/supportd/supportd/internal/config"
	"github.com/supportd/supportd/worker"
)

// runClassify classifies JSON lines from stdin, or with --score FILE scores the classifier against a labelled
// JSON-lines file and prints per-field accuracy and handoff recall and precision.
func runClassify(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	score, rest, err := scoreFlag(args)
	if err != nil {
		fmt.Fprintf(stderr, "supportd classify: %v\n", err)
		return 2
	}
	cfg, err := config.Load(config.ModeClassify, rest, getenv, stdout)
	if errors.Is(err, config.ErrHelp) {
		fmt.Fprintln(stdout, "  --score FILE\n      score the classifier against a labelled JSON-lines file (text, intent, sentiment, handoff, group)")
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "supportd classify: %s\n", oneLine(err))
		return 2
	}
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

// scoreFlag takes --score FILE (or --score=FILE) out of the arguments.
func scoreFlag(args []string) (string, []string, error) {
	var score string
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--score" || a == "-score":
			if i+1 >= len(args) {
				return "", nil, errors.New("--score needs a file")
			}
			score = args[i+1]
			i++
		case strings.HasPrefix(a, "--score=") || strings.HasPrefix(a, "-score="):
			score = a[strings.Index(a, "=")+1:]
		default:
			rest = append(rest, a)
		}
	}
	return score, rest, nil
}
