package integration

import (
	"net/http"
	"sync"
	"testing"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/slackapp"
)

func TestZZDebug(t *testing.T) {
	s := newStack(t, withSlack())
	s.slack.AddUser("U01ALICE", "Alice Agent")
	phone, card := s.slackHandoff()
	s.press(testkit.SlackInteraction{UserID: "U01ALICE", MessageTS: card.TS, ActionID: slackapp.ActionTake, Value: phone})
	eventually(t, slackWait, func() bool { return s.conversation(phone).Assignee == "Alice Agent" }, "the assignee")
	fresh := testkit.SlackMessageEvent{EventID: "EvFRESH" + phone, User: "U01ALICE", ThreadTS: card.TS, Text: "Anything else?"}
	var wg sync.WaitGroup
	for retry := 0; retry <= 1; retry++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, body := testkit.PostSlack(t, testkit.SlackEventRequest(s.srv.URL+"/webhooks/slack/events", slackSecret, fresh.Body(), retry))
			t.Logf("retry %d: %d %s", retry, code, body)
		}()
	}
	wg.Wait()
	s.graph.WaitForMessages(t, phone, 2, slackWait)
	_ = http.StatusOK
}
