package web

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/supportd/supportd/internal/testkit"
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
	browser := testkit.StartChromium(t)
	const token = "console-test-token"
	fake := newFakeBackend(token)
	fake.seedDemo()
	srv := httptest.NewServer(fake.handler())
	defer srv.Close()

	shots := testkit.ArtifactsDir(t)
	customer := testkit.OpenTab(t, browser, "customer", shots, stepTimeout)
	agent := testkit.OpenTab(t, browser, "agent", shots, stepTimeout)
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
	agent.WaitText("#signin-error", "did not accept your agent token")
	agent.Screenshot("console-token-rejected-phone.png")

	customer.AssertNoPageErrors()
	agent.AssertNoPageErrors()
}

// productFlow is the scenario, written against the pages only, so that it can run against any backend
// that holds the conversations seedDemo describes.
type productFlow struct {
	baseURL, token, agent string
	customer, console     *testkit.Tab
	replyText             string
}

func (f *productFlow) customerAsksForPerson(t *testing.T) {
	c := f.customer
	desktop(c)
	c.Navigate(f.baseURL + "/simulator/")
	c.WaitText("#chat-who", "+27820000001")
	if got := c.Value("#name"); got != "Thandi" {
		t.Errorf("default customer name %q, want Thandi", got)
	}
	c.Do(chromedp.SendKeys(chromedp.CSS("#text"), "Hi, my order hasn't arrived yet"))
	c.Click("#send")
	c.WaitText("#messages .msg-mine", "Hi, my order hasn't arrived yet")
	c.WaitText("#status", "delivered")
	c.WaitVisible(`.msg-theirs .reply-button[data-id="handoff_yes"]`)
	c.Screenshot("simulator-buttons-desktop.png")

	c.Click(`.reply-button[data-id="handoff_yes"]`)
	c.WaitText("#messages", "Connecting you with a person")
	if !c.Eval(`document.querySelector('.reply-button[data-id="handoff_yes"]').disabled`) {
		t.Error("the tapped reply buttons are still enabled")
	}
}

func (f *productFlow) agentSignsIn(t *testing.T) {
	a := f.console
	desktop(a)
	a.Navigate(f.baseURL + "/agent/")
	a.WaitVisible("#signin-form")
	if a.Eval(`!document.getElementById("app").hidden`) {
		t.Error("the console shows its app before sign-in")
	}
	a.Do(
		chromedp.SendKeys(chromedp.CSS("#signin-name"), f.agent),
		chromedp.SendKeys(chromedp.CSS("#signin-token"), "not-the-token"),
		chromedp.Click(chromedp.CSS("#signin-submit")),
	)
	a.WaitText("#signin-error", "That agent token was not accepted")
	a.Screenshot("console-signin-error-desktop.png")

	a.Do(
		chromedp.Clear(chromedp.CSS("#signin-token")),
		chromedp.SendKeys(chromedp.CSS("#signin-token"), f.token),
		chromedp.Click(chromedp.CSS("#signin-submit")),
	)
	a.WaitVisible("#conv-list .conv-link")
	a.WaitText("#agent-name", f.agent)

	// Waiting first: unassigned before assigned, the longest wait first; then the bot's conversations.
	a.WaitText("#conv-list", "Thandi")
	order := a.EvalStrings(`[...document.querySelectorAll("#conv-list .conv-link")].map(a => a.dataset.phone)`)
	want := []string{"27823334444", "27820000001", "27829876543", "27825550101"}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("list order %v, want %v", order, want)
	}
	first := a.Text("#conv-list .conv-link")
	for _, part := range []string{"Ayesha", "Refund request", "waiting 12 min", "Waiting"} {
		if !strings.Contains(first, part) {
			t.Errorf("first list item %q does not show %q", first, part)
		}
	}
	a.WaitText("#waiting-count", "3 waiting")
	a.Screenshot("console-list-desktop.png")
}

func (f *productFlow) agentSeesTheBotHoldsActiveConversations(t *testing.T) {
	a := f.console
	a.Click(`#conv-list .conv-link[data-phone="27825550101"]`)
	a.WaitText("#d-name", "Lerato")
	a.WaitText("#d-status", "With bot")
	a.WaitText("#transcript", "What are your trading hours?")
	a.Do(
		chromedp.SendKeys(chromedp.CSS("#reply-text"), "Hello"),
		chromedp.Click(chromedp.CSS("#reply-send")),
	)
	a.WaitText("#d-error", "the bot holds this conversation: take it over first")
}

func (f *productFlow) agentTakesOverRepliesAndReturns(t *testing.T) {
	a, c := f.console, f.customer
	a.Click(`#conv-list .conv-link[data-phone="27820000001"]`)
	a.WaitText("#d-name", "Thandi")
	a.WaitText("#d-status", "Waiting")
	a.WaitText("#d-reason", "Asked for a person")
	a.WaitText("#transcript", "Hi, my order hasn't arrived yet")
	if a.Eval(`!document.getElementById("d-error").hidden`) {
		t.Error("the error of the previous conversation is still shown")
	}
	href := a.EvalString(`document.getElementById("d-temporal").href`)
	if !strings.HasSuffix(href, "/workflows/conversation-27820000001") {
		t.Errorf("Temporal link %q", href)
	}

	a.Click("#act-takeover")
	a.WaitText("#d-status", "With you")
	a.WaitVisible("#act-return")
	a.WaitText("#d-assignee", "Naledi (you)")

	f.replyText = "Hi Thandi, I'm Naledi. Let me check where your order is."
	a.Do(chromedp.SendKeys(chromedp.CSS("#reply-text"), f.replyText))
	a.WaitText("#reply-count", fmt.Sprintf("%d / 4096", len(f.replyText)))
	a.Click("#reply-send")
	a.WaitText("#transcript .msg-agent", f.replyText)
	if got := a.Value("#reply-text"); got != "" {
		t.Errorf("composer keeps %q after sending", got)
	}
	a.Screenshot("console-conversation-desktop.png")

	// The customer's phone shows the agent's reply.
	c.WaitText("#messages .msg-theirs:last-child", f.replyText)
	c.Screenshot("simulator-desktop.png")

	a.Click("#act-return")
	a.WaitText("#d-status", "With bot")
	a.WaitVisible("#act-takeover")
	c.WaitText("#messages", "chatting with our assistant again")
}

func (f *productFlow) replyLengthIsLimited(t *testing.T) {
	a := f.console
	a.Eval(`(() => { const t = document.getElementById("reply-text"); t.value = "x".repeat(4100);
		t.dispatchEvent(new Event("input")); return true })()`)
	a.WaitText("#reply-count", "4100 / 4096")
	if !a.Eval(`document.getElementById("reply-send").disabled`) {
		t.Error("Send is enabled for a 4100-character reply")
	}
	a.WaitText("#reply-hint", "Too long by 4 characters")
	a.Eval(`(() => { const t = document.getElementById("reply-text"); t.value = "";
		t.dispatchEvent(new Event("input")); return true })()`)
}

func (f *productFlow) phoneLayout(t *testing.T) {
	a, c := f.console, f.customer
	phone(a)
	a.Navigate(f.baseURL + "/agent/#/")
	a.WaitVisible("#conv-list .conv-link")
	if a.Eval(`getComputedStyle(document.getElementById("detail")).display !== "none"`) {
		t.Error("phone: the detail pane shows next to the list")
	}
	a.Screenshot("console-list-phone.png")

	a.Click(`#conv-list .conv-link[data-phone="27829876543"]`)
	a.WaitText("#d-status", "Confirm return")
	a.WaitVisible("#act-keep")
	a.WaitVisible("#d-confirm")
	a.WaitText("#transcript", "Not delivered: the customer's phone is off WhatsApp")
	if a.Eval(`getComputedStyle(document.querySelector(".list-pane")).display !== "none"`) {
		t.Error("phone: the list still shows with a conversation open")
	}
	a.Screenshot("console-conversation-phone.png")
	a.Click("#act-keep")
	a.WaitText("#d-status", "With you")
	a.Click("#back")
	a.WaitVisible("#conv-list .conv-link")

	phone(c)
	c.Navigate(f.baseURL + "/simulator/")
	c.WaitText("#messages", "chatting with our assistant again")
	c.Screenshot("simulator-phone.png")
}

func (f *productFlow) simulatorSwitchesCustomer(t *testing.T) {
	c := f.customer
	c.Click("#new-customer")
	c.WaitText("#chat-who", "+27820000002")
	c.WaitText("#messages .empty", "Say hello")
	if got := c.Value("#phone"); got != "27820000002" {
		t.Errorf("new customer number %q", got)
	}
}

// stepTimeout bounds every step of the flow: an action, a wait or an evaluation.
const stepTimeout = 15 * time.Second

// signedInConsole serves fake and opens its agent console in a new desktop-sized tab of a headless Chromium,
// signed in as Naledi with the fake's token. When the test ends the tab closes first, then the page's
// connections (its event stream) and the server.
func signedInConsole(t *testing.T, fake *fakeBackend, name string, timeout time.Duration) *testkit.Tab {
	t.Helper()
	browser := testkit.StartChromium(t)
	srv := httptest.NewServer(fake.handler())
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	a := testkit.OpenTab(t, browser, name, testkit.ArtifactsDir(t), timeout)
	desktop(a)
	a.Navigate(srv.URL + "/agent/")
	a.WaitVisible("#signin-form")
	a.Do(
		chromedp.SendKeys(chromedp.CSS("#signin-name"), "Naledi"),
		chromedp.SendKeys(chromedp.CSS("#signin-token"), fake.token),
		chromedp.Click(chromedp.CSS("#signin-submit")),
	)
	a.WaitVisible("#conv-list .conv-link")
	return a
}

// desktop and phone are the two screens the flow checks the pages on.
func desktop(tb *testkit.Tab) { tb.Viewport(1280, 800) }

func phone(tb *testkit.Tab) {
	tb.Viewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)
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
