package gateway

import (
	"net/http"
	"testing"

	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

const (
	custPhone    = "27821234567"
	custNewPhone = "27839876543"
	custUser     = "ZA.13491208655302741918"
	custNewUser  = "ZA.88812208655302741000"
)

// last is the workflow and message of the latest signal.
func (f *fakeTemporal) last() (string, conversation.Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.targets[len(f.targets)-1], f.signals[len(f.signals)-1]
}

func TestOneCustomerOneConversationWhateverTheIdentifiers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.gateway(nil)
	want := workflows.WorkflowID(custPhone)
	steps := []struct {
		name string
		body []byte
		kind conversation.MessageKind
	}{
		{"phone and user ID", f.hook.Body(f.hook.Text(custPhone, "hi").WithUser(custUser, "sipho")), conversation.KindText},
		{"user ID only", f.hook.Body(f.hook.Text("", "still me").WithUser(custUser, "sipho")), conversation.KindText},
		{"a new number", f.hook.Body(f.hook.ChangedNumber(custPhone, custNewPhone)), conversation.KindIdentity},
		{"the new number only", f.hook.Body(f.hook.Text(custNewPhone, "new phone, same me")), conversation.KindText},
		{"a new user ID", f.hook.Body(f.hook.ChangedUserID(custNewPhone, custUser, custNewUser)), conversation.KindIdentity},
		{"the new user ID only", f.hook.Body(f.hook.Text("", "and again").WithUser(custNewUser, "")), conversation.KindText},
		{"an echo to the new user ID", f.hook.Body(f.hook.Echo(f.hook.Text("", "Sipho here").WithUser(custNewUser, ""))), conversation.KindEcho},
	}
	for _, st := range steps {
		if code := f.post(s, st.body); code != http.StatusOK {
			t.Fatalf("%s: status %d", st.name, code)
		}
		id, msg := f.temporal.last()
		if id != want || msg.Phone != custPhone || msg.Kind != st.kind {
			t.Fatalf("%s: signalled %s with key %s kind %s; want %s, %s", st.name, id, msg.Phone, msg.Kind, want, st.kind)
		}
	}
	_, changed := f.temporal.last()
	if changed.ID == "" {
		t.Error("the echo carries no message id")
	}
}

func TestRedisLosesTheLinks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.gateway(nil)
	if code := f.post(s, f.hook.Body(f.hook.Text(custPhone, "hi").WithUser(custUser, ""))); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if err := s.Drain(t.Context()); err != nil { // the first miss rebuilt the (empty) links
		t.Fatal(err)
	}
	f.redis.FlushAll()
	// The BSUID alone finds the conversation through Temporal's visibility, and the links come back.
	if code := f.post(s, f.hook.Body(f.hook.Text("", "after the flush").WithUser(custUser, ""))); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if id, _ := f.temporal.last(); id != workflows.WorkflowID(custPhone) {
		t.Fatalf("after a flush the user ID reached %s", id)
	}
	if err := s.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if key, ok, err := f.store.CustomerKey(t.Context(), custUser); err != nil || !ok || key != custPhone {
		t.Fatalf("link after the rebuild: %q %v %v", key, ok, err)
	}
	if complete, err := f.store.LinksComplete(t.Context()); err != nil || !complete {
		t.Fatalf("links not marked complete after the rebuild: %v %v", complete, err)
	}
	// A customer never seen, once the links are complete, costs no visibility query: a new key.
	if code := f.post(s, f.hook.Body(f.hook.Text("", "new here").WithUser(custNewUser, ""))); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if id, _ := f.temporal.last(); id != workflows.WorkflowID(custNewUser) {
		t.Fatalf("a new user-ID customer reached %s", id)
	}
}

func TestFailedStatusReachesItsConversation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.gateway(nil)
	if code := f.post(s, f.hook.Body(f.hook.Text("", "hello").WithUser(custUser, ""))); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	failed := f.hook.FailedStatus("wamid.OUT1", "", 131026)
	failed.RecipientUserID = custUser
	if code := f.post(s, f.hook.Body(failed)); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	id, msg := f.temporal.last()
	if id != workflows.WorkflowID(custUser) || msg.Kind != conversation.KindDelivery || msg.RefID != "wamid.OUT1" || msg.Error == "" {
		t.Fatalf("failed status signalled %s %+v", id, msg)
	}
	// A failed status of a customer nobody talks to is acknowledged.
	if code := f.post(s, f.hook.Body(f.hook.FailedStatus("wamid.OUT2", custNewPhone, 131026))); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
}
