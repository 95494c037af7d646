package cli

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/supportd/supportd/internal/config"
)

// run runs the command line as a user would, with only env in the environment.
func run(env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Run(args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// workerEnv is the least a worker needs to pass configuration.
var workerEnv = map[string]string{
	"TEMPORAL_ADDRESS": "t:7233", "REDIS_URL": "redis://r:6379", "WHATSAPP_ACCESS_TOKEN": "EAAG", "WHATSAPP_PHONE_NUMBER_ID": "1065",
}

func TestUsage(t *testing.T) {
	code, out, errOut := run(nil, "")
	if code != 2 || out != "" || !strings.HasPrefix(errOut, "supportd: AI customer support") {
		t.Errorf("no command: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	for _, help := range []string{"help", "-h", "--help"} {
		code, out, errOut := run(nil, "", help)
		if code != 0 || errOut != "" || !strings.Contains(out, `Run "supportd COMMAND --help"`) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", help, code, out, errOut)
		}
		for _, cmd := range []string{"dev", "worker", "gateway", "classify"} {
			if !strings.Contains(out, "supportd "+cmd) {
				t.Errorf("%s does not list supportd %s", help, cmd)
			}
		}
	}
	code, _, errOut = run(nil, "", "serve")
	if code != 2 || !strings.HasPrefix(errOut, "supportd: unknown command \"serve\"\n\n") {
		t.Errorf("unknown command: exit %d, stderr %q", code, errOut)
	}
}

// Every command's --help lists each flag it reads, in the table's order, with its environment variable and
// default, and nothing on stderr.
func TestCommandHelpListsEveryFlag(t *testing.T) {
	for _, mode := range []config.Mode{config.ModeDev, config.ModeWorker, config.ModeGateway, config.ModeClassify} {
		for _, help := range []string{"--help", "-h", "-help"} {
			code, out, errOut := run(nil, "", string(mode), help)
			if code != 0 || errOut != "" {
				t.Fatalf("supportd %s %s: exit %d, stderr %q", mode, help, code, errOut)
			}
			if want := "Usage: supportd " + string(mode) + " [flags]\n\n" + config.Describe(mode) + "\n\nFlags (each also read from its environment variable):\n"; !strings.HasPrefix(out, want) {
				t.Errorf("supportd %s %s starts\n%s\nwant\n%s", mode, help, out[:min(len(out), len(want))], want)
			}
			at := 0
			for _, v := range config.Vars() {
				if !slices.Contains(v.Modes, mode) {
					if strings.Contains(out, "$"+v.Env+"\n") || strings.Contains(out, "$"+v.Env+" ") {
						t.Errorf("supportd %s --help lists %s, which it does not read", mode, v.Env)
					}
					continue
				}
				line := "  --" + config.FlagName(v.Env) + ", $" + v.Env
				if v.Default != "" {
					line += ` (default "` + v.Default + `")`
				}
				line += "\n      " + v.Usage + "\n"
				i := strings.Index(out[at:], line)
				if i < 0 {
					t.Errorf("supportd %s --help lacks, or lists out of order:\n%s", mode, line)
					continue
				}
				at += i + len(line)
			}
			if mode == config.ModeClassify && !strings.HasSuffix(out, "  --score FILE\n      score the classifier against a labelled JSON-lines FILE (text, intent, sentiment, handoff, group)\n") {
				t.Errorf("supportd classify --help does not end with --score:\n%s", out)
			}
		}
	}
}

// A bad value stops start-up with exit status 2 and one line on stderr that names the variable, whether it came
// from a flag or from the environment.
func TestBadValueIsOneLineNamingTheVariable(t *testing.T) {
	with := func(extra map[string]string) map[string]string {
		m := maps.Clone(workerEnv)
		maps.Copy(m, extra)
		return m
	}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{with(nil), []string{"worker", "--handoff-idle-timeout", "soon"}, `supportd worker: HANDOFF_IDLE_TIMEOUT: "soon" is not a duration (examples: 30m, 1h, 90s)`},
		{with(nil), []string{"worker", "--handoff-idle-timeout=soon"}, `supportd worker: HANDOFF_IDLE_TIMEOUT: "soon" is not a duration (examples: 30m, 1h, 90s)`},
		{with(map[string]string{"HANDOFF_IDLE_TIMEOUT": "soon"}), []string{"worker"}, `supportd worker: HANDOFF_IDLE_TIMEOUT: "soon" is not a duration (examples: 30m, 1h, 90s)`},
		{with(map[string]string{"CSAT": "maybe"}), []string{"worker", "--csat", "sometimes"}, `supportd worker: CSAT: "sometimes" is neither on nor off`},
		{map[string]string{"TEMPORAL_UI_PORT": "eighty"}, []string{"dev"}, `supportd dev: TEMPORAL_UI_PORT: "eighty" is not a port number`},
		{nil, []string{"dev", "--public-url", "localhost:8080"}, `supportd dev: PUBLIC_URL: "localhost:8080" is not an http(s) URL with a host`},
		{nil, []string{"worker"}, "supportd worker: TEMPORAL_ADDRESS is required for supportd worker; REDIS_URL is required for supportd worker; " +
			"WHATSAPP_ACCESS_TOKEN is required for supportd worker: it sends every reply through the WhatsApp Cloud API (the simulator is only in supportd dev); " +
			"WHATSAPP_PHONE_NUMBER_ID is required for supportd worker: replies are sent from that business number"},
		{nil, []string{"gateway"}, "supportd gateway: TEMPORAL_ADDRESS is required for supportd gateway; REDIS_URL is required for supportd gateway; " +
			"WHATSAPP_APP_SECRET is required for supportd gateway: it verifies every webhook"},
		{map[string]string{"KNOWLEDGE_BASE": "/nonexistent/kb.yaml"}, []string{"classify"}, "supportd classify: KNOWLEDGE_BASE: stat /nonexistent/kb.yaml: no such file or directory"},
		{nil, []string{"worker", "extra"}, `supportd worker: unexpected argument "extra"`},
		{nil, []string{"classify", "--score", "f.jsonl", "extra"}, `supportd classify: unexpected argument "extra"`},
	} {
		code, _, errOut := run(tc.env, "", tc.args...)
		if code != 2 || errOut != tc.want+"\n" {
			t.Errorf("%v with %v: exit %d, stderr\n%q\nwant\n%q", tc.args, tc.env, code, errOut, tc.want+"\n")
		}
	}
}

// A flag the command does not have, or one without its value, is refused with the usage.
func TestBadFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"worker", "--no-such-flag"}, "supportd worker: flag provided but not defined: -no-such-flag\n"},
		{[]string{"classify", "--http-addr", ":1"}, "supportd classify: flag provided but not defined: -http-addr\n"},
		{[]string{"worker", "--http-addr"}, "supportd worker: flag provided but not defined: -http-addr\n"},
		{[]string{"gateway", "--http-addr"}, "supportd gateway: flag needs an argument: -http-addr\n"},
		{[]string{"classify", "--score"}, "supportd classify: flag needs an argument: -score\n"},
	} {
		code, out, errOut := run(nil, "", tc.args...)
		if code != 2 || errOut != tc.want || !strings.Contains(out, "Usage: supportd "+tc.args[0]+" [flags]") {
			t.Errorf("%v: exit %d, stderr %q (want %q), stdout\n%s", tc.args, code, errOut, tc.want, out)
		}
	}
}

func TestClassify(t *testing.T) {
	code, out, errOut := run(nil, `{"text":"What are your trading hours?"}`+"\n"+`{"text":"I want a refund NOW"}`+"\n", "classify")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"intent":"faq"`) || !strings.Contains(lines[1], `"handoff":true`) {
		t.Fatalf("classify wrote\n%s", out)
	}
}

// --score takes its file in each of the flag package's spellings, among the other flags.
func TestClassifyScore(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "labelled.jsonl")
	labelled := `{"text":"What are your trading hours?","intent":"faq","sentiment":"neutral","handoff":false}` + "\n" +
		`{"text":"I want a refund NOW","intent":"refund_request","sentiment":"negative","handoff":true}` + "\n"
	if err := os.WriteFile(file, []byte(labelled), 0o644); err != nil {
		t.Fatal(err)
	}
	code, want, errOut := run(nil, "", "classify", "--score", file)
	if code != 0 || errOut != "" || !strings.Contains(want, "intent") {
		t.Fatalf("--score FILE: exit %d, stderr %q, stdout\n%s", code, errOut, want)
	}
	for _, args := range [][]string{
		{"classify", "--score=" + file},
		{"classify", "-score", file},
		{"classify", "--score", file, "--openai-model", "m"},
		{"classify", "--openai-model", "m", "--score", file},
	} {
		if code, out, errOut := run(nil, "", args...); code != 0 || errOut != "" || out != want {
			t.Errorf("%v: exit %d, stderr %q, stdout\n%s\nwant\n%s", args, code, errOut, out, want)
		}
	}
	missing := filepath.Join(dir, "missing.jsonl")
	if code, _, errOut := run(nil, "", "classify", "--score", missing); code != 2 ||
		errOut != "supportd classify: --score: open "+missing+": no such file or directory\n" {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
}
