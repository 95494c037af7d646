// Package cli is the supportd command line: `supportd dev` runs everything in one process; `supportd worker`
// and `supportd gateway` run the two halves against Temporal and Redis; `supportd classify` runs the
// classifier over JSON lines. Tests run it in a subprocess exactly as a user would.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/supportd/supportd/internal/config"
)

// Main runs supportd with the process's arguments and environment, and exits with its status.
func Main() {
	os.Exit(Run(os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

const usage = `supportd: AI customer support on WhatsApp, with a seamless handoff to people.

Usage:
  supportd dev        everything in one process (embedded Temporal, Web UI, Redis, worker, gateway)
  supportd worker     the Temporal worker (needs TEMPORAL_ADDRESS, REDIS_URL, WHATSAPP_ACCESS_TOKEN,
                      WHATSAPP_PHONE_NUMBER_ID)
  supportd gateway    the HTTP gateway (needs TEMPORAL_ADDRESS, REDIS_URL, WHATSAPP_APP_SECRET)
  supportd classify   classify JSON lines {"text": ...} from stdin (--score FILE scores a labelled file)

Run "supportd COMMAND --help" for the flags of a command; every flag also reads its environment variable.
`

// Run runs one supportd command and returns the exit status.
func Run(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	var mode config.Mode
	switch cmd {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "dev":
		mode = config.ModeDev
	case "worker":
		mode = config.ModeWorker
	case "gateway":
		mode = config.ModeGateway
	case "classify":
		mode = config.ModeClassify
	default:
		fmt.Fprintf(stderr, "supportd: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	fs, load := config.FlagSet(mode, getenv, stdout)
	var score *string
	if mode == config.ModeClassify {
		score = fs.String("score", "", "score the classifier against a labelled JSON-lines `FILE` (text, intent, sentiment, handoff, group)")
	}
	err := fs.Parse(rest)
	if errors.Is(err, config.ErrHelp) {
		return 0
	}
	var cfg *config.Config
	if err == nil {
		cfg, err = load()
	}
	if err != nil {
		fmt.Fprintf(stderr, "supportd %s: %s\n", mode, oneLine(err))
		return 2
	}
	if mode == config.ModeClassify {
		return runClassify(cfg, *score, stdin, stdout, stderr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	switch mode {
	case config.ModeDev:
		err = runDev(ctx, cfg, stdout, stderr)
	case config.ModeWorker:
		err = runWorker(ctx, cfg, stderr)
	case config.ModeGateway:
		err = runGateway(ctx, cfg, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "supportd %s: %s\n", mode, oneLine(err))
		return 1
	}
	return 0
}

// oneLine joins a multi-error into one line.
func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}
