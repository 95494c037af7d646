package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/supportd/supportd/internal/testkit"
)

// TestBrowserReplyRetriedUnderItsKey: a reply whose answer is lost on the way (the gateway sent it, a proxy
// answered 504) is sent again by the agent pressing Send once more: the console sends the same
// Idempotency-Key, so the gateway sends the message once. The next message the agent writes gets a key of
// its own, even with the same text.
func TestBrowserReplyRetriedUnderItsKey(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	t.Parallel()
	fake := newFakeBackend("retry-test-token")
	fake.seedDemo()
	a := signedInConsole(t, fake, "console-retry", stepTimeout)
	a.Click(`#conv-list .conv-link[data-phone="27823334444"]`)
	a.WaitText("#d-status", "Waiting")
	a.Click("#act-takeover")
	a.WaitText("#d-status", "With you")

	const text = "Your parcel left our warehouse this morning."
	fake.loseReplyAnswers(1)
	a.Do(chromedp.SendKeys(chromedp.CSS("#reply-text"), text))
	a.Click("#reply-send")
	a.WaitText("#d-error", "did not answer in time")
	if got := a.Value("#reply-text"); got != text {
		t.Fatalf("the composer lost the unanswered reply: %q", got)
	}
	a.Click("#reply-send") // the agent tries again
	a.WaitText("#transcript .msg-agent", text)
	testkit.Eventually(t, stepTimeout, "the composer emptied after the retry", func() bool { return a.Value("#reply-text") == "" })

	// The same words as a new message: a new key.
	a.Do(chromedp.SendKeys(chromedp.CSS("#reply-text"), text))
	a.Click("#reply-send")
	testkit.Eventually(t, stepTimeout, "the second message sent", func() bool { return len(fake.keys()) == 3 })

	keys := fake.keys()
	if keys[0] == "" || keys[1] != keys[0] {
		t.Errorf("reply and its retry sent keys %q and %q, want one key", keys[0], keys[1])
	}
	if keys[2] == "" || keys[2] == keys[0] {
		t.Errorf("a new message reused key %q", keys[2])
	}
	replies, _, _ := fake.recorded()
	if len(replies) != 2 {
		t.Errorf("replies sent: %+v, want the retried one once and the new one", replies)
	}
	a.AssertNoPageErrors()
}
