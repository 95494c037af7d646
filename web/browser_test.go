package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserFlow plays the first minute of the product in real headless Chromium, against the fake
// backend: a customer writes in the simulator and taps "Yes, a person"; an agent signs in to the console
// (a wrong token first), finds the longest-waiting conversation on top, takes the customer's conversation
// over, replies (the customer's tab shows it) and returns it to the bot. The same pages are then checked on
// a phone-sized screen, and a rotated token sends the agent back to the sign-in form.
//
// Screenshots go to $SUPPORTD_ARTIFACTS (default: a supportd-artifacts directory in the temporary
// directory).
func TestBrowserFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	browser := startChromium(t)
	const token = "console-test-token"
	fake := newFakeBackend(token)
	fake.seedDemo()
	srv := httptest.NewServer(fake.handler())
	defer srv.Close()

	shots := artifactsDir(t)
	customer := openTab(t, browser, "customer", shots)
	agent := openTab(t, browser, "agent", shots)
	flow := productFlow{baseURL: srv.URL, token: token, agent: "Naledi", customer: customer, console: agent}

	flow.customerAsksForPerson(t)
	flow.agentSignsIn(t)
	flow.agentSeesTheBotHoldsActiveConversations(t)
	flow.agentTakesOverRepliesAndReturns(t)
	flow.replyLengthIsLimited(t)
	flow.phoneLayout(t)
	flow.simulatorSwitchesCustomer(t)

	replies, actions, sends := fake.recorded()
	wantReply := fakeReply{Phone: "27820000001", Agent: "Naledi", Text: flow.replyText}
	if len(replies) != 1 || replies[0] != wantReply {
		t.Errorf("replies recorded: %+v, want [%+v]", replies, wantReply)
	}
	for _, want := range []fakeAction{
		{Phone: "27820000001", Action: "takeover", Agent: "Naledi"},
		{Phone: "27820000001", Action: "return-to-bot", Agent: "Naledi"},
		{Phone: "27829876543", Action: "keep", Agent: "Naledi"},
	} {
		if !containsAction(actions, want) {
			t.Errorf("actions recorded: %+v, missing %+v", actions, want)
		}
	}
	if !containsSend(sends, simSendRequest{Phone: "27820000001", Name: "Thandi", ButtonID: "handoff_yes", ButtonTitle: "Yes, a person"}) {
		t.Errorf("simulator sends: %+v, missing the tap on Yes, a person", sends)
	}

	// An operator rotates the token: the next poll sends the agent back to the sign-in form.
	fake.setToken("rotated-token")
	agent.waitText("#signin-error", "did not accept your agent token")
	agent.screenshot("console-token-rejected-phone.png")

	customer.assertNoPageErrors()
	agent.assertNoPageErrors()
}

// productFlow is the scenario, written against the pages only, so that it can run against any backend
// that holds the conversations seedDemo describes.
type productFlow struct {
	baseURL, token, agent string
	customer, console     *tab
	replyText             string
}

func (f *productFlow) customerAsksForPerson(t *testing.T) {
	c := f.customer
	c.desktop()
	c.do(chromedp.Navigate(f.baseURL + "/simulator/"))
	c.waitText("#chat-who", "+27820000001")
	if got := c.value("#name"); got != "Thandi" {
		t.Errorf("default customer name %q, want Thandi", got)
	}
	c.do(chromedp.SendKeys(chromedp.CSS("#text"), "Hi, my order hasn't arrived yet"))
	c.do(chromedp.Click(chromedp.CSS("#send")))
	c.waitText("#messages .msg-mine", "Hi, my order hasn't arrived yet")
	c.waitText("#status", "delivered")
	c.waitVisible(`.msg-theirs .reply-button[data-id="handoff_yes"]`)
	c.screenshot("simulator-buttons-desktop.png")

	c.do(chromedp.Click(chromedp.CSS(`.reply-button[data-id="handoff_yes"]`)))
	c.waitText("#messages", "Connecting you with a person")
	if !c.eval(`document.querySelector('.reply-button[data-id="handoff_yes"]').disabled`) {
		t.Error("the tapped reply buttons are still enabled")
	}
}

func (f *productFlow) agentSignsIn(t *testing.T) {
	a := f.console
	a.desktop()
	a.do(chromedp.Navigate(f.baseURL + "/agent/"))
	a.waitVisible("#signin-form")
	if a.eval(`!document.getElementById("app").hidden`) {
		t.Error("the console shows its app before sign-in")
	}
	a.do(
		chromedp.SendKeys(chromedp.CSS("#signin-name"), f.agent),
		chromedp.SendKeys(chromedp.CSS("#signin-token"), "not-the-token"),
		chromedp.Click(chromedp.CSS("#signin-submit")),
	)
	a.waitText("#signin-error", "That agent token was not accepted")
	a.screenshot("console-signin-error-desktop.png")

	a.do(
		chromedp.Clear(chromedp.CSS("#signin-token")),
		chromedp.SendKeys(chromedp.CSS("#signin-token"), f.token),
		chromedp.Click(chromedp.CSS("#signin-submit")),
	)
	a.waitVisible("#conv-list .conv-link")
	a.waitText("#agent-name", f.agent)

	// Waiting first: unassigned before assigned, the longest wait first; then the bot's conversations.
	a.waitText("#conv-list", "Thandi")
	order := a.evalStrings(`[...document.querySelectorAll("#conv-list .conv-link")].map(a => a.dataset.phone)`)
	want := []string{"27823334444", "27820000001", "27829876543", "27825550101"}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("list order %v, want %v", order, want)
	}
	first := a.text("#conv-list .conv-link")
	for _, part := range []string{"Ayesha", "Refund request", "waiting 12 min", "Waiting"} {
		if !strings.Contains(first, part) {
			t.Errorf("first list item %q does not show %q", first, part)
		}
	}
	a.waitText("#waiting-count", "3 waiting")
	a.screenshot("console-list-desktop.png")
}

func (f *productFlow) agentSeesTheBotHoldsActiveConversations(t *testing.T) {
	a := f.console
	a.do(chromedp.Click(chromedp.CSS(`#conv-list .conv-link[data-phone="27825550101"]`)))
	a.waitText("#d-name", "Lerato")
	a.waitText("#d-status", "With bot")
	a.waitText("#transcript", "What are your trading hours?")
	a.do(
		chromedp.SendKeys(chromedp.CSS("#reply-text"), "Hello"),
		chromedp.Click(chromedp.CSS("#reply-send")),
	)
	a.waitText("#d-error", "the bot holds this conversation: take it over first")
}

func (f *productFlow) agentTakesOverRepliesAndReturns(t *testing.T) {
	a, c := f.console, f.customer
	a.do(chromedp.Click(chromedp.CSS(`#conv-list .conv-link[data-phone="27820000001"]`)))
	a.waitText("#d-name", "Thandi")
	a.waitText("#d-status", "Waiting")
	a.waitText("#d-reason", "Asked for a person")
	a.waitText("#transcript", "Hi, my order hasn't arrived yet")
	if a.eval(`!document.getElementById("d-error").hidden`) {
		t.Error("the error of the previous conversation is still shown")
	}
	href := a.evalString(`document.getElementById("d-temporal").href`)
	if !strings.HasSuffix(href, "/workflows/conversation-27820000001") {
		t.Errorf("Temporal link %q", href)
	}

	a.do(chromedp.Click(chromedp.CSS("#act-takeover")))
	a.waitText("#d-status", "With you")
	a.waitVisible("#act-return")
	a.waitText("#d-assignee", "Naledi (you)")

	f.replyText = "Hi Thandi, I'm Naledi. Let me check where your order is."
	a.do(chromedp.SendKeys(chromedp.CSS("#reply-text"), f.replyText))
	a.waitText("#reply-count", fmt.Sprintf("%d / 4096", len(f.replyText)))
	a.do(chromedp.Click(chromedp.CSS("#reply-send")))
	a.waitText("#transcript .msg-agent", f.replyText)
	if got := a.value("#reply-text"); got != "" {
		t.Errorf("composer keeps %q after sending", got)
	}
	a.screenshot("console-conversation-desktop.png")

	// The customer's phone shows the agent's reply.
	c.waitText("#messages .msg-theirs:last-child", f.replyText)
	c.screenshot("simulator-desktop.png")

	a.do(chromedp.Click(chromedp.CSS("#act-return")))
	a.waitText("#d-status", "With bot")
	a.waitVisible("#act-takeover")
	c.waitText("#messages", "chatting with our assistant again")
}

func (f *productFlow) replyLengthIsLimited(t *testing.T) {
	a := f.console
	a.eval(`(() => { const t = document.getElementById("reply-text"); t.value = "x".repeat(4100);
		t.dispatchEvent(new Event("input")); return true })()`)
	a.waitText("#reply-count", "4100 / 4096")
	if !a.eval(`document.getElementById("reply-send").disabled`) {
		t.Error("Send is enabled for a 4100-character reply")
	}
	a.waitText("#reply-hint", "Too long by 4 characters")
	a.eval(`(() => { const t = document.getElementById("reply-text"); t.value = "";
		t.dispatchEvent(new Event("input")); return true })()`)
}

func (f *productFlow) phoneLayout(t *testing.T) {
	a, c := f.console, f.customer
	a.phone()
	a.do(chromedp.Navigate(f.baseURL + "/agent/#/"))
	a.waitVisible("#conv-list .conv-link")
	if a.eval(`getComputedStyle(document.getElementById("detail")).display !== "none"`) {
		t.Error("phone: the detail pane shows next to the list")
	}
	a.screenshot("console-list-phone.png")

	a.do(chromedp.Click(chromedp.CSS(`#conv-list .conv-link[data-phone="27829876543"]`)))
	a.waitText("#d-status", "Confirm return")
	a.waitVisible("#act-keep")
	a.waitVisible("#d-confirm")
	if a.eval(`getComputedStyle(document.querySelector(".list-pane")).display !== "none"`) {
		t.Error("phone: the list still shows with a conversation open")
	}
	a.screenshot("console-conversation-phone.png")
	a.do(chromedp.Click(chromedp.CSS("#act-keep")))
	a.waitText("#d-status", "With you")
	a.do(chromedp.Click(chromedp.CSS("#back")))
	a.waitVisible("#conv-list .conv-link")

	c.phone()
	c.do(chromedp.Navigate(f.baseURL + "/simulator/"))
	c.waitText("#messages", "chatting with our assistant again")
	c.screenshot("simulator-phone.png")
}

func (f *productFlow) simulatorSwitchesCustomer(t *testing.T) {
	c := f.customer
	c.do(chromedp.Click(chromedp.CSS("#new-customer")))
	c.waitText("#chat-who", "+27820000002")
	c.waitText("#messages .empty", "Say hello")
	if got := c.value("#phone"); got != "27820000002" {
		t.Errorf("new customer number %q", got)
	}
}

// tab is one browser tab with the helpers the flow needs. Every helper fails the test with a screenshot
// of the tab when the page does not get where it should within the timeout.
type tab struct {
	t     *testing.T
	name  string
	ctx   context.Context
	shots string

	mu       sync.Mutex
	problems []string
}

const stepTimeout = 15 * time.Second

func openTab(t *testing.T, browser context.Context, name, shots string) *tab {
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	tb := &tab{t: t, name: name, ctx: ctx, shots: shots}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: open tab: %v", name, err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			// Failed responses (401, 409) are part of the test; script errors and blocked content are not.
			if m.IsException() || (m.Type == chromedp.ConsoleError && m.Source != "network") {
				tb.mu.Lock()
				tb.problems = append(tb.problems, fmt.Sprintf("%s (%s:%d)", m.Text, m.URL, m.Line+1))
				tb.mu.Unlock()
			}
		}
	}()
	return tb
}

func (tb *tab) desktop() {
	tb.do(chromedp.EmulateViewport(1280, 800))
}

func (tb *tab) phone() {
	tb.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
}

// do runs steps in the tab, first bringing it to the front so that its page is visible and polls at
// full speed.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, page.BringToFront, cdp.Empty{}); err != nil {
		tb.fail("bring to front: %v", err)
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.fail("%v", err)
	}
}

func (tb *tab) waitVisible(sel string) {
	tb.t.Helper()
	tb.do(chromedp.WaitVisible(chromedp.CSS(sel)))
}

// waitText waits until the element that sel picks first exists and its text contains want.
func (tb *tab) waitText(sel, want string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.PollFunction[chromedp.Void](
		`(sel, want) => { const e = document.querySelector(sel); return !!e && e.textContent.includes(want); }`,
		chromedp.WithPollingArgs(sel, want),
		chromedp.WithPollingInterval(100*time.Millisecond),
		chromedp.WithPollingTimeout(stepTimeout-time.Second),
	))
	if err != nil {
		tb.fail("wait for %q in %s: %v; it reads %q", want, sel, err, tb.text(sel))
	}
}

func (tb *tab) text(sel string) string {
	return tb.evalString(fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel))
}

func (tb *tab) value(sel string) string {
	return tb.evalString(fmt.Sprintf(`(document.querySelector(%q) || {}).value || ""`, sel))
}

func (tb *tab) eval(expr string) bool { return evalAs[bool](tb, expr) }

func (tb *tab) evalString(expr string) string { return evalAs[string](tb, expr) }

func (tb *tab) evalStrings(expr string) []string { return evalAs[[]string](tb, expr) }

func evalAs[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.fail("evaluate %s: %v", expr, err)
	}
	return v
}

func (tb *tab) screenshot(file string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("%s: screenshot %s: %v", tb.name, file, err)
	}
	path := filepath.Join(tb.shots, file)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		tb.t.Fatalf("%s: save screenshot: %v", tb.name, err)
	}
	tb.t.Logf("screenshot %s", path)
}

func (tb *tab) fail(format string, args ...any) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	if buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		path := filepath.Join(tb.shots, "FAILED-"+tb.name+".png")
		if os.WriteFile(path, buf, 0o644) == nil {
			tb.t.Logf("%s: screenshot of the failure: %s", tb.name, path)
		}
	}
	tb.t.Fatalf("%s: "+format, append([]any{tb.name}, args...)...)
}

func (tb *tab) assertNoPageErrors() {
	tb.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.t.Errorf("%s: page error: %s", tb.name, p)
	}
}

// startChromium starts headless Chromium with a fresh profile and no background network use, or skips
// the test when no Chromium binary is installed.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("browser test: no chromium binary found (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// artifactsDir is where screenshots go: $SUPPORTD_ARTIFACTS, or supportd-artifacts in the temporary
// directory. Never the repository.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SUPPORTD_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "supportd-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts directory: %v", err)
	}
	return dir
}

func containsAction(actions []fakeAction, want fakeAction) bool {
	for _, a := range actions {
		if a == want {
			return true
		}
	}
	return false
}

func containsSend(sends []simSendRequest, want simSendRequest) bool {
	for _, s := range sends {
		if s == want {
			return true
		}
	}
	return false
}
