package integration

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"go.temporal.io/api/serviceerror"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// A customer's first two messages reach the gateway at the same time, one with the phone and the user ID,
// the other with the user ID alone (or the other way round): one conversation takes both, and no second
// one exists under the other identifier.
func TestFirstMessagesAtOnceUnderDifferentIdentifiersOneConversation(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	type customer struct {
		phone, user string
		msgs        []testkit.WhatsAppMessage
	}
	customers := make([]customer, 8)
	for i := range customers {
		c := customer{phone: newPhone(), user: newUserID()}
		both := s.hook.Text(c.phone, "What are your trading hours?").WithUser(c.user, "")
		alone := s.hook.Text("", "When are you open on Saturday?").WithUser(c.user, "thandi")
		c.msgs = []testkit.WhatsAppMessage{both, alone}
		if i%2 == 1 {
			c.msgs = []testkit.WhatsAppMessage{alone, both}
		}
		customers[i] = c
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, c := range customers {
		for _, m := range c.msgs {
			body := s.hook.Body(m)
			wg.Go(func() {
				<-start
				if code, _ := s.hook.Post(t, s.base+"/webhooks/whatsapp", body); code != http.StatusOK {
					t.Errorf("webhook answered %d", code)
				}
			})
		}
	}
	close(start)
	wg.Wait()

	ctx := context.Background()
	for _, c := range customers {
		var running []string
		for _, key := range []string{c.phone, c.user} {
			_, err := s.temporal().DescribeWorkflowExecution(ctx, workflows.WorkflowID(key), "")
			var notFound *serviceerror.NotFound
			switch {
			case err == nil:
				running = append(running, key)
			case !errors.As(err, &notFound):
				t.Fatalf("describe %s: %v", workflows.WorkflowID(key), err)
			}
		}
		if len(running) != 1 {
			t.Errorf("customer %s / %s: conversations %v, want one", c.phone, c.user, running)
			continue
		}
		key := running[0]
		for _, m := range c.msgs {
			s.settle(key, m.ID)
		}
		conv := s.conversation(c.user)
		if conv.Phone != key || conv.WaID != c.phone || conv.UserID != c.user || transcriptOf(conv)[conversation.FromCustomer] != 2 {
			t.Errorf("customer %s / %s: key %s wa_id %q user %q, transcript %+v", c.phone, c.user, conv.Phone, conv.WaID, conv.UserID, conv.Transcript)
		}
	}
}
