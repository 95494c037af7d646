package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/supportd/supportd/internal/app"
	"github.com/supportd/supportd/internal/config"
	"github.com/supportd/supportd/internal/testkit"
)

// TestBrowserLiveConsole: two agents have the console open in two browsers. A customer's refund request
// appears on the second page as a new conversation waiting for a person, with the "new" badge, without a
// reload; the first agent takes it over and the second page shows who has it. While the event stream is
// up neither page reads the conversation list again (the gateway counts the requests). The gateway then
// restarts (a graceful stop, which the open streams must not hold up, and a new process on the same
// address): both pages reconnect by themselves, and the second still shows the next changes (another
// customer's handoff, the return to the bot) without a reload.
func TestBrowserLiveConsole(t *testing.T) {
	t.Parallel()
	browser := testkit.StartChromium(t) // skips when no Chromium is installed
	ls := startLiveStack(t)
	shots := testkit.ArtifactsDir(t)

	first := testkit.OpenTab(t, browser, "console-naledi", shots, browserStep)
	second := testkit.OpenTab(t, browser, "console-sipho", shots, browserStep)
	for _, tab := range []*testkit.Tab{first, second} {
		tab.Viewport(1280, 900)
	}
	signIn(first, ls.base, "Naledi")
	signIn(second, ls.base, "Sipho")
	waitLive(first)
	waitLive(second)
	// A reload would forget this.
	second.Eval(`(window.__sameDocument = true)`)

	lists := ls.lists.Load()
	start := time.Now()
	phone := newPhone()
	item := fmt.Sprintf(`#conv-list .conv-link[data-phone=%q]`, phone)

	// The customer asks for a refund: the second page shows it waiting, marked new.
	ls.customerSays(t, phone, "Ayanda Dube", "I want a refund for my order")
	second.WaitText(item, "Waiting")
	second.WaitText(item, "Refund request")
	second.WaitFunc(`(sel) => document.querySelector(sel).classList.contains("is-new")`, "the new conversation marked new", item)
	waitNewBadge(second)
	second.WaitFunc(`() => document.title.startsWith("(")`, "the waiting count in the title")
	second.WaitFunc(`() => Number(document.body.dataset.alerts || 0) >= 1`, "an alert for the new handoff")
	second.Screenshot("integration-live-second-new.png")

	// The first agent takes it over; the second page shows who has it, in the list and in the open
	// conversation, then the agent's reply and the customer's answer.
	openConversation(second, item, phone)
	second.WaitText("#d-status", "Waiting")
	first.WaitText(item, "Waiting")
	openConversation(first, item, phone)
	first.WaitVisible("#act-takeover")
	first.Click("#act-takeover")
	first.WaitText("#d-status", "With you")
	second.WaitText(item, "With Naledi")
	second.WaitText("#d-status", "With Naledi")
	if second.Eval(fmt.Sprintf(`document.querySelector(%q).classList.contains("is-new")`, item)) {
		t.Error("second page: a conversation taken over is still marked new")
	}
	reply := "Hi Ayanda, Naledi here. Which order is it?"
	consoleReply(first, reply)
	second.WaitAnyText("#transcript .msg-agent", reply)
	ls.customerSays(t, phone, "Ayanda Dube", "Order 1042, thanks")
	second.WaitAnyText("#transcript .msg-customer", "Order 1042, thanks")
	window := time.Since(start)
	if n := ls.lists.Load() - lists; n != 0 {
		t.Errorf("the pages read the conversation list %d times in %v while their event streams were up", n, window)
	}
	t.Logf("no list reads in the %v from the refund request to the customer's answer showing on the second page",
		window.Round(time.Millisecond))
	second.Screenshot("integration-live-second-taken.png")

	// The gateway restarts. Its graceful stop is not held up by the two open streams.
	streams := ls.streams.Load()
	stopped := ls.restartGateway(t)
	if stopped > 5*time.Second {
		t.Errorf("the gateway took %v to stop with two consoles connected", stopped)
	}
	if !testkit.Poll(browserStep, func() bool { return ls.streams.Load() >= streams+2 }) {
		t.Fatalf("the pages did not connect again after the gateway restarted (%d streams opened)", ls.streams.Load()-streams)
	}
	waitLive(first)
	waitLive(second)

	// Still live: another customer's handoff, and the first agent returning the first one to the bot.
	other := newPhone()
	otherItem := fmt.Sprintf(`#conv-list .conv-link[data-phone=%q]`, other)
	ls.customerSays(t, other, "Pieter Botha", "Can I speak to a person please")
	second.WaitText(otherItem, "Waiting")
	waitNewBadge(second)
	first.WaitVisible("#act-return")
	first.Click("#act-return")
	first.WaitText("#d-status", "With bot")
	second.WaitText(item, "With bot")
	if !second.Eval(`window.__sameDocument === true`) {
		t.Error("the second page was reloaded")
	}
	second.Screenshot("integration-live-second-after-restart.png")

	first.AssertNoPageErrors()
	second.AssertNoPageErrors()
}

// liveStack is a worker and a gateway that the test can restart on the same address, with counts of the
// agent API requests the gateway served.
type liveStack struct {
	cfg      *config.Config
	logger   *slog.Logger
	base     string
	addr     string
	gateway  *app.App
	shutdown func(context.Context) error
	// lists counts GET /api/conversations, streams GET /api/events.
	lists, streams atomic.Int64
}

func startLiveStack(t *testing.T) *liveStack {
	t.Helper()
	port, err := testkit.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"TEMPORAL_ADDRESS":    shared.temporal.Address(),
		"TEMPORAL_TASK_QUEUE": fmt.Sprintf("tq-live-%d", time.Now().UnixNano()),
		"REDIS_URL":           shared.redis.URL,
		"WHATSAPP_APP_SECRET": browserAppSecret,
		"AGENT_API_TOKEN":     browserAgentToken,
		"LOG_LEVEL":           "warn",
	}
	cfg, err := config.Load(config.ModeDev, nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ls := &liveStack{cfg: cfg, addr: "127.0.0.1:" + strconv.Itoa(port),
		logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	ls.base = "http://" + ls.addr
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The worker delivers the business's messages to the simulator's outbox in Redis, which the gateway reads.
	worker, err := app.Start(ctx, app.Options{Config: cfg, Logger: ls.logger, Redis: shared.redis.Client(t),
		Worker: true, Simulator: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(worker.Stop)
	ls.startGateway(t)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = ls.shutdown(ctx)
		ls.gateway.Stop()
	})
	return ls
}

func (ls *liveStack) startGateway(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, err := app.Start(ctx, app.Options{Config: ls.cfg, Logger: ls.logger, Redis: shared.redis.Client(t),
		Gateway: true, Simulator: true})
	if err != nil {
		t.Fatal(err)
	}
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			switch r.URL.Path {
			case "/api/conversations":
				ls.lists.Add(1)
			case "/api/events":
				ls.streams.Add(1)
			}
		}
		a.Handler.ServeHTTP(w, r)
	})
	shutdown, _, err := app.Serve(ls.addr, counted, a.CloseStreams)
	if err != nil {
		a.Stop()
		t.Fatal(err)
	}
	ls.gateway, ls.shutdown = a, shutdown
}

// restartGateway stops the gateway as SIGTERM does and starts a new one on the same address; it returns how
// long the stop took.
func (ls *liveStack) restartGateway(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), app.StopGrace)
	defer cancel()
	if err := ls.shutdown(ctx); err != nil {
		t.Errorf("gateway shutdown: %v", err)
	}
	ls.gateway.Stop()
	took := time.Since(start)
	ls.startGateway(t)
	return took
}

// customerSays sends a customer's message through the simulator (a signed webhook to the gateway).
func (ls *liveStack) customerSays(t *testing.T, phone, name, text string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"phone": phone, "name": name, "text": text})
	resp, err := http.Post(ls.base+"/simulator/api/send", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		raw, _ := io.ReadAll(resp.Body)
		t.Fatalf("simulator send: %d %s", resp.StatusCode, strings.TrimSpace(string(raw)))
	}
}

func signIn(tab *testkit.Tab, base, agent string) {
	tab.Navigate(base + "/agent/")
	tab.WaitVisible("#signin-form")
	tab.Type("#signin-name", agent)
	tab.Type("#signin-token", browserAgentToken)
	tab.Click("#signin-submit")
	tab.WaitVisible("#app")
	tab.WaitText("#agent-name", agent)
}

func waitLive(tab *testkit.Tab) {
	tab.WaitFunc(`() => document.getElementById("live").dataset.state === "live"`, "the console to be live")
}

// waitNewBadge waits for the badge that counts conversations newly waiting for a person (other tests'
// customers share the Temporal server and Redis, so there may be more than this test's).
func waitNewBadge(tab *testkit.Tab) {
	tab.WaitFunc(`() => { const b = document.getElementById("new-count");
		return !b.hidden && parseInt(b.textContent, 10) >= 1 && b.textContent.endsWith(" new"); }`, "the new-conversations badge")
}
