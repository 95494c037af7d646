package integration

import (
	"bytes"
	"fmt"
	"github.com/supportd/supportd/internal/testkit"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/workflows/conversation"
)

// TestKillMidBurstLosesNothing kills `supportd dev` (kill -9) again and again in the middle of a burst of
// distinct messages from 20 customers, restarts it on the same DATA_DIR and redelivers, as Meta does, every
// webhook that got no 200. Redis (the gateway's fast-path claims) outlives the process, as in production.
// Every message must reach its conversation exactly once and be answered exactly once.
//
// Until the last restart the Graph API holds every send (a held send dies with the process, unrecorded):
// a worker killed between the Graph's 200 and reporting the send would send it again, a hole of the worker
// that this test does not measure. The sends then go out after the last restart.
func TestKillMidBurstLosesNothing(t *testing.T) {
	const (
		customers = 20
		kills     = 3
		ackedPer  = 15 // acknowledgements between kills
	)
	questions := []string{"trading_hours", "location", "delivery_cost", "payment_methods", "gift_vouchers"}
	k := kb.Default()
	var asked, answers []string
	for _, id := range questions {
		faq, ok := k.FAQ(id)
		if !ok {
			t.Fatalf("no FAQ %s", id)
		}
		asked, answers = append(asked, faq.Questions[0]), append(answers, faq.Answer)
	}

	p, graph, hook := startDev(t)
	s := &stack{t: t, graph: graph, hook: hook, base: p.url}
	type customer struct {
		phone  string
		ids    []string
		bodies [][]byte
		next   int // first message without a 200
	}
	cs := make([]*customer, customers)
	for i := range cs {
		c := &customer{phone: newPhone()}
		for _, q := range asked {
			m := hook.Text(c.phone, q)
			c.ids = append(c.ids, m.ID)
			c.bodies = append(c.bodies, hook.Body(m)) // a redelivery is the same bytes
		}
		cs[i] = c
	}
	httpc := &http.Client{Timeout: 30 * time.Second}
	post := func(url string, body []byte) int {
		resp, err := httpc.Do(hook.SignedRequest(url+"/webhooks/whatsapp", body))
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	// burst sends every customer's remaining messages in order, customers at once, until a message gets no
	// 200. After `acks` acknowledgements (0: never) it runs kill, here, while the senders go on; it returns
	// once every sender has stopped.
	redelivered := 0
	var codesMu sync.Mutex
	codes := map[int]int{} // statuses other than 200, 0 for no answer at all
	burst := func(acks int64, kill func()) bool {
		var n, failed atomic.Int64
		reached := make(chan struct{})
		var once sync.Once
		var wg sync.WaitGroup
		url := p.url
		for _, c := range cs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for c.next < len(c.bodies) {
					if code := post(url, c.bodies[c.next]); code != http.StatusOK {
						failed.Add(1) // Meta delivers it again later
						codesMu.Lock()
						codes[code]++
						codesMu.Unlock()
						return
					}
					c.next++
					if n.Add(1) == acks {
						once.Do(func() { close(reached) })
					}
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		killed := false
		select {
		case <-reached:
			kill()
			killed = true
		case <-done:
		}
		<-done
		redelivered += int(failed.Load())
		return killed
	}
	// settled reports whether every message the Graph took is recorded by its conversation, so that a kill
	// now cannot make the worker send it again.
	settled := func() bool {
		for _, c := range cs {
			sent := graph.Messages(c.phone)
			if len(sent) == 0 {
				continue
			}
			var conv conversation.Snapshot
			if s.api("GET", "/api/conversations/"+c.phone, nil, &conv) != http.StatusOK {
				return false
			}
			recorded := map[string]bool{}
			for _, e := range conv.Transcript {
				recorded[e.ID] = true
			}
			for _, m := range sent {
				if !recorded[m.ID] {
					return false
				}
			}
		}
		return true
	}

	remaining := func() (n int64) {
		for _, c := range cs {
			n += int64(len(c.bodies) - c.next)
		}
		return n
	}
	// Until the last restart the Graph holds every send, and a held send dies with the process, unrecorded.
	graph.SetLatency(time.Hour)
	kill := func() { p.kill() }
	for cycle := 1; cycle <= kills; cycle++ {
		// A sender stops at its first message without a 200 (and delivers it again in the next round), so a
		// round may end before the kill: go on until it comes.
		for round := 1; !burst(ackedPer, kill); round++ {
			if remaining() < ackedPer || round == 50 {
				t.Fatalf("kill %d: %d messages left to send after %d rounds; statuses %v", cycle, remaining(), round, codes)
			}
		}
		t.Logf("kill %d: %d webhooks without a 200 so far %v", cycle, redelivered, codes)
		if cycle == kills {
			graph.SetLatency(0)
		}
		p.start()
		s.base = p.url
	}
	eventually(t, 30*time.Second, func() bool {
		burst(0, nil)
		return remaining() == 0
	}, "every message acknowledged by the running gateway (statuses %v)", codes)

	// Every conversation has all five messages and all five answers; then nothing more is on its way.
	// (On a failure the counts below say what is missing.)
	testkit.Poll(60*time.Second, func() bool {
		all := true
		for _, c := range cs {
			all = all && len(graph.Messages(c.phone)) >= len(asked)
		}
		return all && settled()
	})
	lost, doubled, answered := 0, 0, 0
	for _, c := range cs {
		var conv conversation.Snapshot
		if code := s.api("GET", "/api/conversations/"+c.phone, nil, &conv); code != http.StatusOK {
			t.Fatalf("conversation %s: %d", c.phone, code)
		}
		got := map[string]int{}
		for _, e := range conv.Transcript {
			if e.From == conversation.FromCustomer {
				got[e.ID]++
			}
		}
		for i, id := range c.ids {
			switch got[id] {
			case 0:
				lost++
				t.Errorf("customer %s: message %d (%q) never reached its conversation", c.phone, i+1, asked[i])
			case 1:
			default:
				doubled++
				t.Errorf("customer %s: message %d recorded %d times", c.phone, i+1, got[id])
			}
		}
		sent := graph.Messages(c.phone)
		for i, want := range answers {
			n := 0
			for _, m := range sent {
				if strings.Contains(m.Text, want) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("customer %s: %q answered %d times", c.phone, asked[i], n)
			}
			answered += min(n, 1)
		}
		if len(sent) != len(answers) {
			t.Errorf("customer %s: %d messages sent for %d questions", c.phone, len(sent), len(answers))
		}
	}
	t.Logf("%d kills mid-burst, %d webhooks without a 200 delivered again: %d of %d messages answered, %d lost, %d recorded twice",
		kills, redelivered, answered, customers*len(asked), lost, doubled)
}

// TestProductionWorkerNeedsWhatsApp: outside `supportd dev` there is no simulator. A worker without WhatsApp
// credentials refuses to start with one line naming them; a gateway does not serve the simulator.
func TestProductionWorkerNeedsWhatsApp(t *testing.T) {
	base := []string{
		"TEMPORAL_ADDRESS=" + shared.temporal.Address(),
		"REDIS_URL=" + shared.redis.URL,
		"TEMPORAL_TASK_QUEUE=tq-production-" + fmt.Sprint(time.Now().UnixNano()),
		"WHATSAPP_ACCESS_TOKEN=",
		"WHATSAPP_PHONE_NUMBER_ID=",
		"OPENAI_API_KEY=",
		"SLACK_BOT_TOKEN=",
	}
	cmd := exec.Command(os.Args[0], "worker")
	cmd.Env = append(append(os.Environ(), runCLIEnv+"=1", "METRICS_ADDR="), base...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	if !errorsAs(err, &ee) || ee.ExitCode() == 0 {
		t.Fatalf("supportd worker without WhatsApp credentials: %v\n%s", err, out.String())
	}
	line := strings.TrimSpace(out.String())
	if strings.Contains(line, "\n") || !strings.Contains(line, "WHATSAPP_ACCESS_TOKEN") || !strings.Contains(line, "WHATSAPP_PHONE_NUMBER_ID") {
		t.Fatalf("supportd worker without WhatsApp credentials said %q; want one line naming the variables", line)
	}

	gw := startProcess(t, append(base, "WHATSAPP_APP_SECRET="+appSecret, "AGENT_API_TOKEN="+agentToken), "gateway")
	for _, path := range []string{"/simulator/", "/simulator/api/messages?phone=27820000001"} {
		resp, err := http.Get(gw.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("supportd gateway serves %s: %d", path, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest("POST", gw.url+"/simulator/api/send", strings.NewReader(`{"phone":"27820000001","text":"hi"}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("supportd gateway accepts simulator sends: %d", resp.StatusCode)
	}
}
