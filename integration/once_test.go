package integration

import (
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/workflows/conversation"
)

// TestKillMidSendAnswersOnce kills `supportd dev` (kill -9) while answers are stuck in the Graph API: WhatsApp
// took each of them, but supportd never heard the Graph API's answer. In odd rounds WhatsApp's sent status
// reached the gateway before the kill; in even rounds it is late and reaches the restarted gateway (Meta
// delivers it again). After the restart Temporal retries the sends; each customer must get the answer
// exactly once, and the conversation must carry the WAMID of the message WhatsApp took. It kills the process
// several times.
//
// SUPPORTD_KILL_ROUNDS sets the number of kills (default 3, two customers each). SUPPORTD_KILL_REDIS=embedded
// runs dev without REDIS_URL (its embedded Redis dies with the process), to measure what that mode does.
func TestKillMidSendAnswersOnce(t *testing.T) {
	rounds, perRound := 3, 2
	if n, err := strconv.Atoi(os.Getenv("SUPPORTD_KILL_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	var extra []string
	if os.Getenv("SUPPORTD_KILL_REDIS") == "embedded" {
		extra = append(extra, "REDIS_URL=")
	}
	p, graph, hook := startDev(t, extra...)
	s := &stack{t: t, graph: graph, hook: hook, base: p.url}

	var phones []string
	for round := 1; round <= rounds; round++ {
		batch := make([]string, perRound)
		for i := range batch {
			batch[i] = newPhone()
		}
		late := round%2 == 0
		statuses := graphStatuses(p.url)
		if late {
			statuses.Delay = 3 * time.Second // far beyond the kill, which follows the send at once
		}
		graph.DeliverStatuses(statuses)
		graph.HangNext(perRound)
		for _, phone := range batch {
			s.say(phone, "What are your trading hours?")
		}
		taken := map[string]bool{}
		for _, phone := range batch {
			msgs := graph.WaitForMessages(t, phone, 1, 60*time.Second)
			if msgs[0].CallbackData == "" {
				t.Fatalf("the answer to %s carries no biz_opaque_callback_data: %s", phone, msgs[0].Body)
			}
			taken[msgs[0].ID] = true
		}
		sentStatuses := func(d []testkit.GraphStatusDelivery) bool {
			n := 0
			for _, st := range d {
				if st.Status == "sent" && taken[st.MessageID] {
					n++
				}
			}
			return n == perRound
		}
		if !late {
			// The gateway has acknowledged WhatsApp's sent status of every stuck answer.
			graph.WaitForStatuses(t, 60*time.Second, "a sent status of each stuck answer", sentStatuses)
		}
		p.kill()
		p.start()
		s.base = p.url
		// Each conversation records its answer once the retried send has finished, sent again or not.
		for _, phone := range batch {
			eventually(t, 120*time.Second, func() bool { return botLines(s, phone) > 0 },
				"round %d: the answer to %s in its conversation", round, phone)
		}
		if late {
			graph.WaitForStatuses(t, 60*time.Second, "the late sent statuses", sentStatuses)
		}
		phones = append(phones, batch...)
	}

	duplicates := 0
	for _, phone := range phones {
		msgs := graph.Messages(phone)
		duplicates += len(msgs) - 1
		if len(msgs) == 1 {
			if id := botLineID(s, phone); id != msgs[0].ID {
				t.Errorf("%s: the conversation records answer %q, WhatsApp took %q", phone, id, msgs[0].ID)
			}
		}
	}
	t.Logf("%d kills, %d answers stuck mid-send: %d sent twice", rounds, len(phones), duplicates)
	if duplicates > 0 {
		t.Errorf("%d of %d answers were sent twice", duplicates, len(phones))
	}
}

// botLines counts the bot's lines in a conversation's transcript; 0 when it cannot be read yet.
func botLines(s *stack, phone string) int {
	var c conversation.Snapshot
	if s.api("GET", "/api/conversations/"+phone, nil, &c) != http.StatusOK {
		return 0
	}
	n := 0
	for _, e := range c.Transcript {
		if e.From == conversation.FromBot && strings.TrimSpace(e.Text) != "" {
			n++
		}
	}
	return n
}

// botLineID is the WhatsApp message id of the bot's first line in a conversation.
func botLineID(s *stack, phone string) string {
	c := s.conversation(phone)
	for _, e := range c.Transcript {
		if e.From == conversation.FromBot {
			return e.ID
		}
	}
	return ""
}
