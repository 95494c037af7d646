package testkit

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"
)

// GraphStatuses makes the Graph fake report on the messages it accepts as WhatsApp does: after accepting a
// message it posts status webhooks for it, signed with the app secret, to the business's webhook URL. Each
// carries the message's WAMID, its recipient_id (the phone) and recipient_user_id (the business-scoped
// user ID, for a send to one or a phone LinkUser linked) and the biz_opaque_callback_data it was sent with. A
// delivery that gets no 200 is tried again (every 100 ms to 1 s, like Meta's redeliveries but faster) until
// it gets one or the test ends, re-reading the URL each time (see SetStatusURL).
type GraphStatuses struct {
	// URL receives the status webhooks, such as the gateway's /webhooks/whatsapp.
	URL string
	// AppSecret signs them (X-Hub-Signature-256).
	AppSecret string
	// Statuses are reported for each message in this order, each in a webhook of its own; empty means
	// "sent" only. "delivered" and "read" follow "sent" on a real phone.
	Statuses []string
	// Delay waits this long after accepting a message before its first status.
	Delay time.Duration
	// Reverse reports the statuses in the opposite order (read before sent): WhatsApp does not promise
	// any order.
	Reverse bool
}

// GraphStatusDelivery is a status webhook the Graph fake delivered and got a 200 for.
type GraphStatusDelivery struct {
	// MessageID is the WAMID the status is about.
	MessageID string
	Status    string
	// RecipientID is the customer's phone (recipient_id), empty for a send to a business-scoped user ID;
	// RecipientUserID the customer's business-scoped user ID (recipient_user_id), when the fake knows one.
	RecipientID     string
	RecipientUserID string
	// ErrorCode is the code in errors[] of a failed status (see FailNextStatus), else 0.
	ErrorCode    int
	CallbackData string
	// Attempts is how many posts it took to get the 200.
	Attempts int
	At       time.Time
}

// DeliverStatuses turns status webhooks on for the messages accepted from now on.
func (g *Graph) DeliverStatuses(o GraphStatuses) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.statusOpts = &o
	g.statusURL = o.URL
}

// SetStatusURL changes where status webhooks go, also for deliveries already under way, as when the
// business's gateway moved to another address.
func (g *Graph) SetStatusURL(url string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.statusURL = url
}

// HangNext makes the next n accepted messages hang: the fake records each (and reports its statuses) but
// never answers the request, which ends only when the client gives up or the test ends. This is a sender
// that dies, or loses its connection, after WhatsApp took the message and before it heard so.
func (g *Graph) HangNext(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.hangNext = n
}

// Hung counts the requests left hanging so far.
func (g *Graph) Hung() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.hung
}

// Statuses returns the status webhooks delivered (answered 200) so far, in the order they were.
func (g *Graph) Statuses() []GraphStatusDelivery {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.statuses)
}

// WaitForStatuses waits until cond holds for the delivered status webhooks and returns them; after timeout
// it fails the test. Call it from the test's goroutine.
func (g *Graph) WaitForStatuses(t testing.TB, timeout time.Duration, what string, cond func([]GraphStatusDelivery) bool) []GraphStatusDelivery {
	t.Helper()
	var got []GraphStatusDelivery
	ok := false
	g.wait(timeout, func() bool {
		got = slices.Clone(g.statuses)
		ok = cond(got)
		return ok
	})
	if !ok {
		t.Fatalf("whatsapp graph fake: after %v, %s: not yet; delivered statuses: %+v", timeout, what, got)
	}
	return got
}

// FailNextStatus makes the next message accepted for the recipient (a phone or a business-scoped user ID
// as for Messages; "" for any) report a single status webhook, "failed" with an errors[] entry of the code
// (such as 131049 or 131026), in place of the statuses DeliverStatuses set. Statuses must be turned on.
func (g *Graph) FailNextStatus(to string, code int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.statusFailures = append(g.statusFailures, graphStatusFailure{to: to, code: code})
}

// graphStatusFailure is a FailNextStatus rule.
type graphStatusFailure struct {
	to   string
	code int
}

// takeStatusFailure returns the code of the first FailNextStatus rule for msg, using it up, or 0. The
// caller holds g.mu.
func (g *Graph) takeStatusFailure(msg GraphMessage) int {
	for i, f := range g.statusFailures {
		if f.to == "" || g.isFor(msg.To, msg.Recipient, f.to) {
			g.statusFailures = append(g.statusFailures[:i:i], g.statusFailures[i+1:]...)
			return f.code
		}
	}
	return 0
}

// reportStatuses starts delivering the status webhooks of a message just accepted, if turned on: the
// configured ones, or a single failed one with failureCode when it is not 0. userID is the customer's
// business-scoped user ID when known.
func (g *Graph) reportStatuses(msg GraphMessage, userID string, failureCode int) {
	g.mu.Lock()
	o := g.statusOpts
	g.mu.Unlock()
	if o == nil {
		return
	}
	statuses := slices.Clone(o.Statuses)
	if len(statuses) == 0 {
		statuses = []string{"sent"}
	}
	if o.Reverse {
		slices.Reverse(statuses)
	}
	if failureCode != 0 {
		statuses = []string{"failed"}
	}
	go func() {
		if !g.pause(o.Delay) {
			return
		}
		hook := NewWhatsAppWebhook(o.AppSecret)
		hook.PhoneNumberID = g.phoneNumberID
		for _, status := range statuses {
			st := hook.Status(msg.ID, whatsAppRecipient(msg.To), status)
			st.RecipientUserID, st.CallbackData, st.ErrorCode = userID, msg.CallbackData, failureCode
			attempts, ok := g.postStatus(hook, hook.Body(st))
			if !ok {
				return
			}
			g.record(func() {
				g.statuses = append(g.statuses, GraphStatusDelivery{
					MessageID: msg.ID, Status: status, RecipientID: st.RecipientID, RecipientUserID: userID,
					ErrorCode: failureCode, CallbackData: msg.CallbackData, Attempts: attempts, At: time.Now(),
				})
			})
		}
	}()
}

// postStatus posts a signed status webhook until it is answered 200; false when the test ended first.
func (g *Graph) postStatus(hook *WhatsAppWebhook, body []byte) (attempts int, ok bool) {
	client := &http.Client{Timeout: 10 * time.Second}
	backoff := 100 * time.Millisecond
	for {
		attempts++
		g.mu.Lock()
		url := g.statusURL
		g.mu.Unlock()
		if g.postOnce(client, hook, url, body) {
			return attempts, true
		}
		if !g.pause(backoff) {
			return attempts, false
		}
		backoff = min(2*backoff, time.Second)
	}
}

func (g *Graph) postOnce(client *http.Client, hook *WhatsAppWebhook, url string, body []byte) bool {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-g.closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", SignWhatsApp(hook.AppSecret, body))
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// pause waits d; false when the test ended first.
func (g *Graph) pause(d time.Duration) bool {
	if d <= 0 {
		select {
		case <-g.closed:
			return false
		default:
			return true
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-g.closed:
		return false
	}
}

func (d GraphStatusDelivery) String() string {
	return fmt.Sprintf("%s %s (callback %q)", d.Status, d.MessageID, d.CallbackData)
}
