package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/supportd/supportd/internal/app"
	"github.com/supportd/supportd/internal/config"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/workflows/conversation"
)

const (
	browserAppSecret  = "browser-app-secret"
	browserAgentToken = "browser-agent-token"
	// browserStep bounds every wait on a page. Generous: a step may wait for a workflow task, an activity
	// and a page poll on a loaded two-core machine.
	browserStep = 60 * time.Second
)

// TestBrowserHandoffLoop plays the product's main loop in real headless Chromium against a real dev-like
// stack (worker, gateway, agent console and customer simulator on the shared Temporal and redis-server,
// the local AI engine and the built-in knowledge base, no WhatsApp credentials, so that the business's
// messages land in the simulator):
//
//   - the customer asks a FAQ in the simulator and sees the knowledge base's answer;
//   - says "I want a refund" and is told a person will reply;
//   - an agent signs in to the console with a wrong token (an error, no data), then the right one, and
//     finds the conversation waiting for a person;
//   - the agent takes it over and replies; the simulator shows the reply;
//   - the agent returns it to the bot; the customer is told so, asks another question and the bot answers.
//
// Every step is driven through the two pages. Screenshots of the console list, the console conversation
// and the simulator chat go to $SUPPORTD_ARTIFACTS (default: supportd-artifacts in the temporary directory).
func TestBrowserHandoffLoop(t *testing.T) {
	t.Parallel()
	browser := testkit.StartChromium(t) // skips when no Chromium is installed
	base := startBrowserStack(t)
	shots := testkit.ArtifactsDir(t)
	k := kb.Default()

	phone := newPhone()
	const (
		customerName = "Thandi Mokoena"
		agentName    = "Naledi"
	)
	hours := faqAnswer(t, k, "trading_hours")
	delivery := faqAnswer(t, k, "delivery_cost")
	if !strings.HasPrefix(hours, "We're open Monday to Friday") {
		t.Fatalf("the built-in knowledge base's trading hours read %q", hours)
	}

	sim := testkit.OpenTab(t, browser, "simulator", shots, browserStep)
	console := testkit.OpenTab(t, browser, "console", shots, browserStep)
	sim.Viewport(1280, 900)
	console.Viewport(1280, 900)

	// The customer opens the simulator, picks a fresh number and a name, and asks a FAQ.
	sim.Navigate(base + "/simulator/")
	sim.WaitText("#chat-who", "+27820000001") // the page's default customer, before we pick ours
	sim.Type("#phone", phone)
	sim.Click("#name") // leaving the number field switches the chat to it
	sim.WaitText("#chat-who", "+"+phone)
	sim.WaitText("#messages .empty", "Say hello")
	sim.Type("#name", customerName)
	sim.WaitText("#chat-who", "You are "+customerName)

	simSay(sim, "What are your trading hours?")
	sim.WaitAnyText("#messages .msg-theirs", hours)

	// A refund is for a person: the bot says so and falls silent.
	simSay(sim, "I want a refund")
	sim.WaitAnyText("#messages .msg-theirs", "passed your refund request to a person")

	// A wrong token: an error, and nothing of the conversations.
	console.Navigate(base + "/agent/")
	console.WaitVisible("#signin-form")
	console.Type("#signin-name", agentName)
	console.Type("#signin-token", "not-the-agent-token")
	console.Click("#signin-submit")
	console.WaitText("#signin-error", "That agent token was not accepted")
	if !console.Eval(`document.getElementById("app").hidden`) {
		t.Error("console: the app shows after a rejected token")
	}
	if n := console.EvalString(`String(document.querySelectorAll("#conv-list .conv-link").length)`); n != "0" {
		t.Errorf("console: %s conversations listed after a rejected token", n)
	}
	for _, secret := range []string{phone, customerName, "refund"} {
		if console.Eval(fmt.Sprintf(`document.body.innerText.includes(%q) || document.getElementById("app").textContent.includes(%q)`, secret, secret)) {
			t.Errorf("console: the page shows %q after a rejected token", secret)
		}
	}
	console.Screenshot("integration-console-signin-error.png")

	// The right token: the conversation waits for a person, with its reason.
	console.Type("#signin-token", browserAgentToken)
	console.Click("#signin-submit")
	console.WaitVisible("#app")
	console.WaitText("#agent-name", agentName)
	item := fmt.Sprintf(`#conv-list .conv-link[data-phone=%q]`, phone)
	console.WaitText(item, "Waiting")
	console.WaitText(item, "Refund request")
	console.WaitText(item, customerName)
	if !console.Eval(fmt.Sprintf(`document.querySelector(%q).classList.contains("is-waiting")`, item)) {
		t.Error("console: the conversation is not listed among those waiting for a person")
	}
	console.WaitVisible("#waiting-count")
	console.Screenshot("integration-console-list.png")

	// The agent opens it, takes it over and replies.
	openConversation(console, item, phone)
	console.WaitText("#d-name", customerName)
	console.WaitText("#d-status", "Waiting")
	console.WaitText("#d-reason", "Refund request")
	console.WaitAnyText("#transcript .msg-customer", "I want a refund")
	console.WaitAnyText("#transcript .msg-bot", hours)
	console.WaitVisible("#act-takeover")
	console.Click("#act-takeover")
	console.WaitText("#d-status", "With you")
	console.WaitText("#d-assignee", agentName+" (you)")
	console.WaitVisible("#act-return")

	reply := "Hi Thandi, I'm Naledi. I've started your refund; you'll have it in 3 working days."
	consoleReply(console, reply)
	console.WaitAnyText("#transcript .msg-agent", reply)
	if got := console.Value("#reply-text"); got != "" {
		t.Errorf("console: the composer keeps %q after sending", got)
	}
	if shown := console.Text("#d-error"); console.Eval(`!document.getElementById("d-error").hidden`) {
		t.Errorf("console: an error shows after the reply: %q", shown)
	}
	console.Screenshot("integration-console-conversation.png")

	// The customer's phone shows the reply, and nothing from the bot since the handoff notice.
	sim.WaitText("#messages .msg-theirs:last-child", reply)
	theirs := sim.EvalStrings(`[...document.querySelectorAll("#messages .msg-theirs .bubble-text")].map((e) => e.textContent)`)
	if n := len(theirs); n < 2 || !strings.Contains(theirs[n-2], "passed your refund request") {
		t.Errorf("simulator: the bot spoke between the handoff and the agent's reply: %q", theirs)
	}

	// Back to the bot with a note for it: the customer is told, asks another question, and the bot answers it.
	note := "Refund started, 3 working days"
	console.Type("#return-note", note)
	console.Click("#act-return")
	console.WaitText("#d-status", "With bot")
	console.WaitVisible("#act-takeover")
	console.WaitAnyText("#transcript .msg-system", "Note for the assistant from "+agentName+": "+note)
	sim.WaitText("#messages .msg-theirs:last-child", "again. Ask me anything")

	simSay(sim, "How much is delivery?")
	sim.WaitText("#messages .msg-theirs:last-child", delivery)
	console.WaitAnyText("#transcript .msg-bot", delivery)
	console.WaitText("#d-status", "With bot")
	sim.Screenshot("integration-simulator-chat.png")
	console.Screenshot("integration-console-returned.png")

	sim.AssertNoPageErrors()
	console.AssertNoPageErrors()

	// What the pages did is what the server holds.
	snap := browserConversation(t, base, phone)
	if snap.Status != conversation.StatusActive || snap.Assignee != "" {
		t.Errorf("final state %s, assignee %q; want active with no assignee", snap.Status, snap.Assignee)
	}
	var agentEntries int
	for _, e := range snap.Transcript {
		if e.From == conversation.FromAgent {
			agentEntries++
			if e.Text != reply || e.Agent != agentName {
				t.Errorf("agent entry %+v, want %q by %s", e, reply, agentName)
			}
		}
	}
	if agentEntries != 1 {
		t.Errorf("%d agent entries in the transcript, want 1: %+v", agentEntries, snap.Transcript)
	}
}

// startBrowserStack starts a dev-like supportd (worker, gateway and simulator) with no WhatsApp or OpenAI
// credentials and returns its URL.
func startBrowserStack(t *testing.T) string {
	t.Helper()
	queue := fmt.Sprintf("tq-browser-%d", time.Now().UnixNano())
	env := map[string]string{
		"TEMPORAL_ADDRESS":    shared.temporal.Address(),
		"TEMPORAL_TASK_QUEUE": queue,
		"REDIS_URL":           shared.redis.URL,
		"WHATSAPP_APP_SECRET": browserAppSecret,
		"AGENT_API_TOKEN":     browserAgentToken,
		"TEMPORAL_UI_URL":     "http://localhost:8233",
		"LOG_LEVEL":           "warn",
	}
	cfg, err := config.Load(config.ModeDev, nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.WhatsAppEnabled() || cfg.OpenAIAPIKey != "" {
		t.Fatal("the browser stack must run without WhatsApp and OpenAI credentials")
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a, err := app.Start(ctx, app.Options{Config: cfg, Logger: logger, Redis: shared.redis.Client(t),
		Worker: true, Gateway: true, Simulator: true})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Simulator {
		t.Fatal("the simulator is off")
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() {
		a.CloseStreams() // the console's event stream would keep srv.Close waiting
		srv.Close()
		a.Stop()
	})
	return srv.URL
}

// simSay types a message in the simulator, sends it and waits until the page shows it delivered.
func simSay(sim *testkit.Tab, text string) {
	sim.Type("#text", text)
	sim.WaitFunc(`() => !document.getElementById("send").disabled`, "Send to be enabled")
	sim.Click("#send")
	// Not :last-child: the bot may have answered by the time the page is looked at.
	sim.WaitAnyText("#messages .msg-mine", text)
	sim.WaitText("#status", "delivered")
}

// consoleReply writes a reply in the console's composer and sends it.
func consoleReply(console *testkit.Tab, text string) {
	console.Type("#reply-text", text)
	console.WaitFunc(`() => !document.getElementById("reply-send").disabled`, "Send to be enabled")
	console.Click("#reply-send")
}

// openConversation clicks the conversation in the console's list and waits until it is open. The list
// is redrawn at every poll, so a click that lands during a redraw (the element it found is gone) is tried
// again.
func openConversation(console *testkit.Tab, item, phone string) {
	var lastErr error
	for attempt := 1; attempt <= 5; attempt++ {
		lastErr = console.TryDo(chromedp.Click(chromedp.CSS(item)))
		if lastErr == nil && console.Try(`(phone) => location.hash === "#/conversations/" + phone &&
			document.getElementById("d-phone").textContent.includes("+" + phone)`, 10*time.Second, phone) {
			return
		}
	}
	console.Fail("the conversation %s did not open after 5 clicks (last click: %v); the page is at %q",
		phone, lastErr, console.EvalString("location.hash"))
}

func faqAnswer(t *testing.T, k *kb.KnowledgeBase, id string) string {
	t.Helper()
	f, ok := k.FAQ(id)
	if !ok {
		t.Fatalf("the built-in knowledge base has no FAQ %s", id)
	}
	return f.Answer
}

// browserConversation reads a conversation through the agent API, to check what the pages did.
func browserConversation(t *testing.T, base, phone string) conversation.Snapshot {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/conversations/"+phone, nil)
	req.Header.Set("Authorization", "Bearer "+browserAgentToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var snap conversation.Snapshot
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET conversation: %d %s", resp.StatusCode, raw)
	}
	if err := json.NewDecoder(resp.Body).Decode(&snap); err != nil {
		t.Fatal(err)
	}
	return snap
}
