package integration

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/workflows/conversation"
)

// runCLIEnv makes the test binary run supportd instead of the tests.
const runCLIEnv = "SUPPORTD_RUN_CLI"

// process is supportd running as a separate process, as a user runs it.
type process struct {
	t    *testing.T
	cmd  *exec.Cmd
	url  string
	env  []string
	args []string
	logs *os.File
	// temporal is the address of the embedded Temporal server of `supportd dev`.
	temporal string
	// started runs after every start, with the new URL.
	started func(url string)
}

func startProcess(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	p := &process{t: t, env: env, args: args}
	p.start()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("supportd %v logs:\n%s", args, p.logText())
		}
	})
	return p
}

func (p *process) start() {
	p.t.Helper()
	port, err := testkit.FreePort()
	if err != nil {
		p.t.Fatal(err)
	}
	p.url = fmt.Sprintf("http://127.0.0.1:%d", port)
	logs, err := os.CreateTemp(p.t.TempDir(), "supportd-*.log")
	if err != nil {
		p.t.Fatal(err)
	}
	p.logs = logs
	p.cmd = exec.Command(os.Args[0], p.args...)
	p.cmd.Env = append(append(os.Environ(), runCLIEnv+"=1", fmt.Sprintf("HTTP_ADDR=127.0.0.1:%d", port)), p.env...)
	p.cmd.Stdout, p.cmd.Stderr = logs, logs
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(p.kill)
	eventually(p.t, 90*time.Second, func() bool {
		resp, err := http.Get(p.url + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "supportd %v to be ready (logs: %s)", p.args, logs.Name())
	if p.started != nil {
		p.started(p.url)
	}
}

// kill ends the process at once, as a crash or `kill -9` would.
func (p *process) kill() {
	if p.cmd != nil && p.cmd.Process != nil && p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		_ = p.cmd.Wait()
	}
}

func (p *process) logText() string {
	b, _ := os.ReadFile(p.logs.Name())
	return string(b)
}

// startDev runs `supportd dev` as a separate process, with its own DATA_DIR, against the shared redis-server and
// a fake Graph API that reports statuses to it, wherever it listens after a restart. extraEnv entries
// override the defaults.
func startDev(t *testing.T, extraEnv ...string) (*process, *testkit.Graph, *testkit.WhatsAppWebhook) {
	t.Helper()
	graph := testkit.NewGraph(t)
	devPort, err := testkit.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	env := []string{
		"DATA_DIR=" + filepath.Join(t.TempDir(), "data"),
		fmt.Sprintf("TEMPORAL_DEV_PORT=%d", devPort),
		"TEMPORAL_UI_PORT=0",
		"REDIS_URL=" + shared.redis.URL,
		"WHATSAPP_API_URL=" + graph.URL(),
		"WHATSAPP_ACCESS_TOKEN=" + graph.AccessToken(),
		"WHATSAPP_PHONE_NUMBER_ID=" + graph.PhoneNumberID(),
		"WHATSAPP_APP_SECRET=" + appSecret,
		"AGENT_API_TOKEN=" + agentToken,
		"OPENAI_API_KEY=",
		"SLACK_BOT_TOKEN=",
	}
	graph.DeliverStatuses(graphStatuses(""))
	p := startProcess(t, append(env, extraEnv...), "dev")
	p.temporal = fmt.Sprintf("127.0.0.1:%d", devPort)
	graph.SetStatusURL(p.url + "/webhooks/whatsapp")
	p.started = func(url string) { graph.SetStatusURL(url + "/webhooks/whatsapp") }
	return p, graph, testkit.NewWhatsAppWebhook(appSecret)
}

// client connects to the process's Temporal server.
func (p *process) client() client.Client {
	p.t.Helper()
	c, err := client.Dial(client.Options{HostPort: p.temporal, Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		p.t.Fatalf("connect to %s: %v", p.temporal, err)
	}
	p.t.Cleanup(c.Close)
	return c
}

// TestRestartMidHandoffLosesNothing kills `supportd dev` in the middle of a handoff and starts it again on the
// same DATA_DIR: the conversation is still with a person, nothing the customer wrote is lost, and the bot
// has not spoken.
func TestRestartMidHandoffLosesNothing(t *testing.T) {
	p, graph, hook := startDev(t)
	s := &stack{t: t, graph: graph, hook: hook, base: p.url}
	phone := newPhone()

	post := func(text string) { s.say(phone, text) }
	api := s.api

	post("I want a refund for my broken gazebo")
	graph.WaitForMessages(t, phone, 1, 30*time.Second)
	eventually(t, 30*time.Second, func() bool {
		var c conversation.Snapshot
		return api("GET", "/api/conversations/"+phone, nil, &c) == http.StatusOK && c.Status == conversation.StatusHandoff
	}, "the handoff")
	post("My order number is 1234")
	p.kill() // right after Temporal accepted the message

	p.start()
	s.base = p.url
	var c conversation.Snapshot
	if code := api("GET", "/api/conversations/"+phone, nil, &c); code != http.StatusOK {
		t.Fatalf("after restart: %d\n%s", code, p.logText())
	}
	if c.Status != conversation.StatusHandoff {
		t.Fatalf("after restart the conversation is %s", c.Status)
	}
	var texts []string
	for _, e := range c.Transcript {
		if e.From == conversation.FromCustomer {
			texts = append(texts, e.Text)
		}
	}
	if strings.Join(texts, "|") != "I want a refund for my broken gazebo|My order number is 1234" {
		t.Fatalf("customer messages after restart: %q", texts)
	}
	s.tc = p.client()
	s.settle(phone, s.say(phone, "Hello? Still there?"))
	if got := graph.Messages(phone); len(got) != 1 {
		t.Fatalf("the bot spoke during the handoff: %+v", got)
	}
	// A person takes over, answers and hands back; the bot answers again.
	if code := api("POST", "/api/conversations/"+phone+"/reply", map[string]string{"agent": "Sipho", "text": "Sipho here, refund approved"}, nil); code != http.StatusOK {
		t.Fatalf("reply after restart: %d", code)
	}
	if code := api("POST", "/api/conversations/"+phone+"/return-to-bot", map[string]string{"agent": "Sipho"}, nil); code != http.StatusOK {
		t.Fatalf("return after restart: %d", code)
	}
	post("How much is delivery?")
	msgs := graph.WaitForMessages(t, phone, 4, 30*time.Second)
	if msgs[1].Text != "Sipho here, refund approved" || !strings.Contains(msgs[3].Text, "R99") {
		t.Fatalf("messages: %+v", msgs)
	}
}
