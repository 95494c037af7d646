package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/supportd/supportd/internal/metrics"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/store"
	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// newRedisFixture is newFixture on a real redis-server, whose scripts run as they do in production.
func newRedisFixture(t *testing.T) *gatewayFixture {
	t.Helper()
	rdb := testkit.StartRedis(t).Client(t)
	return &gatewayFixture{t: t, temporal: newFakeTemporal(), store: store.New(rdb), metrics: metrics.New(),
		hook: testkit.NewWhatsAppWebhook(testSecret)}
}

// barrier holds every caller of wait until n have called it.
type barrier struct {
	n       int32
	arrived atomic.Int32
	all     chan struct{}
}

func newBarrier(n int) *barrier { return &barrier{n: int32(n), all: make(chan struct{})} }

func (b *barrier) wait() error {
	if b.arrived.Add(1) == b.n {
		close(b.all)
	}
	select {
	case <-b.all:
		return nil
	case <-time.After(20 * time.Second):
		return errors.New("barrier: not every webhook arrived")
	}
}

// targetOf returns the workflow each message id was signalled to.
func (f *fakeTemporal) targetOf() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for i, m := range f.signals {
		out[m.ID] = f.targets[i]
	}
	return out
}

// A customer's first two messages arrive at once, one with the phone and the user ID, the other with the user
// ID alone (as a customer with a username may send): both must land in one conversation, whichever gateway
// request resolves the identifiers first. With the links incomplete (Redis lost them) the lookup also asks
// Temporal, which knows no conversation yet either.
func TestFirstMessagesUnderDifferentIdentifiersAtOnceStartOneConversation(t *testing.T) {
	t.Parallel()
	for _, links := range []string{"complete", "incomplete"} {
		t.Run("links "+links, func(t *testing.T) {
			t.Parallel()
			f := newRedisFixture(t)
			ctx := t.Context()
			if links == "complete" {
				if _, err := f.store.RebuildLinks(ctx, func(func(string, ...string) error) error { return nil }); err != nil {
					t.Fatal(err)
				}
			}
			const customers = 20
			// Every request looks the customer up at once, and Temporal's visibility, which lags behind the
			// starts, knows none of the new conversations until every request has signalled.
			looked, signalled := newBarrier(2*customers), newBarrier(2*customers)
			f.temporal.refuse = func(string, conversation.Message, workflows.Input) error { return signalled.wait() }
			s := f.gateway(func(string) error { return looked.wait() })
			type pair struct{ phone, user, both, userOnly string }
			pairs := make([]pair, customers)
			var wg sync.WaitGroup
			codes := make(chan int, 2*customers)
			for i := range pairs {
				p := pair{phone: fmt.Sprintf("2782555%04d", i), user: fmt.Sprintf("ZA.7%03d13491208655302", i)}
				both := f.hook.Text(p.phone, "I want a refund").WithUser(p.user, "")
				userOnly := f.hook.Text("", "hello?").WithUser(p.user, "thandi")
				p.both, p.userOnly = both.ID, userOnly.ID
				pairs[i] = p
				for _, body := range [][]byte{f.hook.Body(both), f.hook.Body(userOnly)} {
					wg.Go(func() { codes <- f.post(s, body) })
				}
			}
			wg.Wait()
			close(codes)
			for code := range codes {
				if code != http.StatusOK {
					t.Fatalf("a webhook answered %d", code)
				}
			}
			targets := f.temporal.targetOf()
			for _, p := range pairs {
				a, b := targets[p.both], targets[p.userOnly]
				if a == "" || a != b {
					t.Errorf("customer %s / %s: the message with both identifiers went to %q, the one with the user ID alone to %q", p.phone, p.user, a, b)
					continue
				}
				if a != workflows.WorkflowID(p.phone) && a != workflows.WorkflowID(p.user) {
					t.Errorf("customer %s / %s reached %s", p.phone, p.user, a)
				}
				key, _ := workflows.KeyOf(a)
				for _, id := range []string{p.phone, p.user} {
					if got, ok, err := f.store.CustomerKey(ctx, id); err != nil || !ok || got != key {
						t.Errorf("link of %s: %q %v %v, want %s", id, got, ok, err, key)
					}
				}
			}
			if err := s.Drain(ctx); err != nil { // a rebuild of the links may still run
				t.Fatal(err)
			}
		})
	}
}

// The agent API and WhatsApp's statuses look customers up without claiming them: asking about an
// identifier nobody wrote from links nothing, so a later first message under another identifier is not
// bound to it.
func TestLookingACustomerUpClaimsNothing(t *testing.T) {
	t.Parallel()
	f := newRedisFixture(t)
	s := f.gateway(nil)
	ctx := context.Background()
	if _, err := f.store.RebuildLinks(ctx, func(func(string, ...string) error) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if key, err := s.customerKey(ctx, custPhone, custUser); err != nil || key != custPhone {
		t.Fatalf("customerKey of a customer never seen: %q %v", key, err)
	}
	if key, ok, err := f.store.CustomerKey(ctx, custPhone, custUser); err != nil || ok {
		t.Fatalf("a look-up linked the customer to %q (%v %v)", key, ok, err)
	}
	// A message claims: the user ID alone is the key, and the phone that comes later joins it.
	if code := f.post(s, f.hook.Body(f.hook.Text("", "hi").WithUser(custUser, ""))); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if code := f.post(s, f.hook.Body(f.hook.Text(custPhone, "it's me").WithUser(custUser, ""))); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if id, msg := f.temporal.last(); id != workflows.WorkflowID(custUser) || msg.WaID != custPhone {
		t.Fatalf("the phone and user ID reached %s with wa_id %q", id, msg.WaID)
	}
}
