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
// carries the message's WAMID, its recipient_id and the biz_opaque_callback_data it was sent with. A
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
	MessageID    string
	Status       string
	RecipientID  string
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

// reportStatuses starts delivering the status webhooks of a message just accepted, if turned on.
func (g *Graph) reportStatuses(msg GraphMessage) {
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
	go func() {
		if !g.pause(o.Delay) {
			return
		}
		hook := NewWhatsAppWebhook(o.AppSecret)
		hook.PhoneNumberID = g.phoneNumberID
		for _, status := range statuses {
			st := hook.Status(msg.ID, whatsAppRecipient(msg.To), status)
			st.CallbackData = msg.CallbackData
			attempts, ok := g.postStatus(hook, hook.Body(st))
			if !ok {
				return
			}
			g.record(func() {
				g.statuses = append(g.statuses, GraphStatusDelivery{
					MessageID: msg.ID, Status: status, RecipientID: st.RecipientID, CallbackData: msg.CallbackData,
					Attempts: attempts, At: time.Now(),
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
