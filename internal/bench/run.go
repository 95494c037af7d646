package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/kb"
)

// Target is one side of the comparison: where its webhooks go and where its answers arrive.
type Target struct {
	Name string
	// Bases are the gateways' base URLs; messages are spread over them in turn.
	Bases []string
	Graph *testkit.Graph
	Hook  *testkit.WhatsAppWebhook
	// WorkflowID names a customer's workflow, for reading its history.
	WorkflowID func(phone string) string
	// ModelCalls counts the model requests so far; nil without a model.
	ModelCalls func() int
}

// Question is a knowledge-base question and the answer text that must reach the customer.
type Question struct {
	FAQ, Text, Answer string
}

// Questions returns n questions of distinct FAQs of the knowledge base (the first way each is asked).
func Questions(k *kb.KnowledgeBase, n int) []Question {
	var out []Question
	for _, f := range k.FAQs {
		if len(out) == n {
			break
		}
		out = append(out, Question{FAQ: f.ID, Text: f.Questions[0], Answer: f.Answer})
	}
	return out
}

// Measure is what a run of one target found.
type Measure struct {
	Messages int
	P50, P99 time.Duration
	// Throughput is answered messages per second, from the first post to the last answer.
	Throughput float64
	// EventsPerMessage is history events over answered messages, read from the workflows' histories.
	EventsPerMessage float64
	// ModelCallsPerAnswer is model requests over answered messages (0 without a model).
	ModelCallsPerAnswer float64

	// What the figures above are computed from, for pooling rounds.
	took        []time.Duration
	events      int
	modelCalls  int
	throughputs []float64
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

func post(hook *testkit.WhatsAppWebhook, base string, body []byte) error {
	resp, err := httpClient.Do(hook.SignedRequest(base+"/webhooks/whatsapp", body))
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("webhook answered %d", resp.StatusCode)
	}
	return nil
}

// Run sends every customer's questions, all customers in parallel, waits for every answer and measures.
// In a burst each customer's questions go back to back; paced, a customer asks the next question once the
// previous one is answered, as people chat. A customer's phone must be new to the target's Graph fake.
func Run(tb testing.TB, tc client.Client, tgt Target, phones []string, questions []Question, paced bool) Measure {
	tb.Helper()
	type sent struct {
		phone string
		q     Question
		at    time.Time
	}
	bodies := make([][][]byte, len(phones))
	for i, p := range phones {
		for _, q := range questions {
			bodies[i] = append(bodies[i], tgt.Hook.Body(tgt.Hook.Text(p, q.Text)))
		}
	}
	calls0 := 0
	if tgt.ModelCalls != nil {
		calls0 = tgt.ModelCalls()
	}
	var (
		mu    sync.Mutex
		posts []sent
		errs  []error
		wg    sync.WaitGroup
	)
	start := time.Now()
	for i, p := range phones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j, q := range questions {
				at := time.Now()
				err := post(tgt.Hook, tgt.Bases[(i+j)%len(tgt.Bases)], bodies[i][j])
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				}
				posts = append(posts, sent{phone: p, q: q, at: at})
				mu.Unlock()
				if paced && err == nil {
					waitAnswer(tgt.Graph, p, q.Answer, time.Now().Add(time.Minute))
				}
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		tb.Fatalf("%s: %d webhooks failed, first: %v", tgt.Name, len(errs), errs[0])
	}
	var took []time.Duration
	var last time.Time
	deadline := time.Now().Add(3 * time.Minute)
	for _, s := range posts {
		for {
			if m, ok := answerTo(tgt.Graph.Messages(s.phone), s.q.Answer); ok {
				took = append(took, m.At.Sub(s.at))
				if m.At.After(last) {
					last = m.At
				}
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("%s: no answer to %s's %q", tgt.Name, s.phone, s.q.Text)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	m := Measure{took: took, throughputs: []float64{float64(len(took)) / last.Sub(start).Seconds()}}
	if tgt.ModelCalls != nil {
		m.modelCalls = tgt.ModelCalls() - calls0
	}
	if tgt.WorkflowID != nil {
		m.events = historyEvents(tb, tc, tgt.WorkflowID, phones)
	}
	return pool(m)
}

// pool merges the rounds of one measure: latencies and history events over every message of every round,
// throughput the median of the rounds' (a round the shared machine slowed counts once, not in full).
func pool(rounds ...Measure) Measure {
	var m Measure
	for _, r := range rounds {
		m.took = append(m.took, r.took...)
		m.events += r.events
		m.modelCalls += r.modelCalls
		m.throughputs = append(m.throughputs, r.throughputs...)
	}
	m.Messages = len(m.took)
	m.P50, m.P99 = percentile(m.took, 0.50), percentile(m.took, 0.99)
	if m.Messages > 0 {
		m.EventsPerMessage = float64(m.events) / float64(m.Messages)
		m.ModelCallsPerAnswer = float64(m.modelCalls) / float64(m.Messages)
	}
	m.Throughput = median(m.throughputs)
	return m
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func waitAnswer(g *testkit.Graph, phone, answer string, deadline time.Time) {
	for time.Now().Before(deadline) {
		if _, ok := answerTo(g.Messages(phone), answer); ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func answerTo(msgs []testkit.GraphMessage, answer string) (testkit.GraphMessage, bool) {
	for _, m := range msgs {
		if strings.Contains(m.Text, answer) {
			return m, true
		}
	}
	return testkit.GraphMessage{}, false
}

// historyEvents counts the events of every customer's workflow (the current run).
func historyEvents(tb testing.TB, tc client.Client, id func(string) string, phones []string) int {
	tb.Helper()
	n := 0
	for _, p := range phones {
		it := tc.GetWorkflowHistory(context.Background(), id(p), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			if _, err := it.Next(); err != nil {
				tb.Fatalf("history of %s: %v", id(p), err)
			}
			n++
		}
	}
	return n
}

// OpenRate sends one first message from each new customer, 20 at a time, and returns new conversations
// answered per second, from the first post to the last first reply. It fails when nothing has been sent for
// a minute, describing the first customer's workflow still unanswered.
func OpenRate(tb testing.TB, tc client.Client, tgt Target, phones []string, text string) float64 {
	tb.Helper()
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	start := time.Now()
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				body := tgt.Hook.Body(tgt.Hook.Text(phones[i], text))
				// What got no 200 is delivered again, as Meta does (a gateway answers 503 when Temporal is slow).
				err := post(tgt.Hook, tgt.Bases[i%len(tgt.Bases)], body)
				for try := 1; err != nil && try < 4; try++ {
					time.Sleep(time.Duration(try) * time.Second)
					err = post(tgt.Hook, tgt.Bases[(i+try)%len(tgt.Bases)], body)
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range phones {
		work <- i
	}
	close(work)
	wg.Wait()
	if len(errs) > 0 {
		tb.Fatalf("%s: %d first messages failed, first: %v", tgt.Name, len(errs), errs[0])
	}
	var last time.Time
	progress, sends := time.Now(), 0
	for _, p := range phones {
		for {
			if msgs := tgt.Graph.Messages(p); len(msgs) > 0 {
				if msgs[0].At.After(last) {
					last = msgs[0].At
				}
				break
			}
			// Progress is any new send: a conversation whose first task was retried waits behind the backlog.
			if n := len(tgt.Graph.Messages("")); n != sends {
				progress, sends = time.Now(), n
			}
			if time.Since(progress) > time.Minute {
				// Count the replies to the others before giving up.
				total := 0
				for _, q := range phones {
					if len(tgt.Graph.Messages(q)) > 0 {
						total++
					}
				}
				tb.Fatalf("%s: %d of %d first messages answered, nothing sent in the last minute; %s's is not: %s",
					tgt.Name, total, len(phones), p, describe(tc, tgt, p))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return float64(len(phones)) / last.Sub(start).Seconds()
}

// describe says where a customer's workflow is, for a failure message.
func describe(tc client.Client, tgt Target, phone string) string {
	if tc == nil || tgt.WorkflowID == nil {
		return "(no workflow to describe)"
	}
	d, err := tc.DescribeWorkflowExecution(context.Background(), tgt.WorkflowID(phone), "")
	if err != nil {
		return fmt.Sprintf("describe %s: %v", tgt.WorkflowID(phone), err)
	}
	info := d.GetWorkflowExecutionInfo()
	out := fmt.Sprintf("workflow %s %s, %d history events", tgt.WorkflowID(phone), info.GetStatus(), info.GetHistoryLength())
	if t := d.GetPendingWorkflowTask(); t != nil {
		out += fmt.Sprintf(", workflow task %s attempt %d", t.GetState(), t.GetAttempt())
	}
	for _, a := range d.GetPendingActivities() {
		out += fmt.Sprintf(", activity %s %s attempt %d (%s)", a.GetActivityType().GetName(), a.GetState(), a.GetAttempt(), a.GetLastFailure().GetMessage())
	}
	return out
}

func percentile(d []time.Duration, q float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	return s[int(q*float64(len(s)-1)+0.5)]
}

// Phones returns n customer numbers starting with prefix, unique within a run.
func Phones(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%06d", prefix, i+1)
	}
	return out
}

// Config is one comparison: supportd and the bare baseline on the same Temporal server.
type Config struct {
	Title string
	// Client reads the workflows' histories (the namespace of both sides).
	Client        client.Client
	Product, Bare Target
	// LLM is supportd with a fake model of fixed latency LLMLatency; nil skips that part.
	LLM        *Target
	LLMLatency time.Duration
	// Customers × Questions for latency, throughput and events (LLM: Customers × LLMQuestions).
	Customers, Questions, LLMQuestions int
	// OpenN first messages measure the rate of new conversations; 0 skips it.
	OpenN int
	// Rounds is how often each measure is taken, the two sides taking turns and each round starting with
	// the side that went second in the one before; 0 means 3.
	Rounds int
	KB     *kb.KnowledgeBase
	Notes  []string
}

// Compare runs both sides one after the other on the same load and returns the report.
func Compare(tb testing.TB, c Config) Report {
	tb.Helper()
	if c.KB == nil {
		c.KB = kb.Default()
	}
	nonce := fmt.Sprintf("%03d", time.Now().UnixNano()/1e6%1000)
	qs := Questions(c.KB, c.Questions)
	// Warm up each side: its first workflows, connections and caches.
	warm := qs[:1]
	Run(tb, c.Client, withoutHistory(c.Product), Phones("2780"+nonce+"1", 2), warm, false)
	Run(tb, c.Client, withoutHistory(c.Bare), Phones("2780"+nonce+"2", 2), warm, false)

	r := Report{Title: c.Title, Notes: c.Notes, Rounds: c.Rounds,
		Load: fmt.Sprintf("%d customers × %d FAQ questions, local engine; latency paced (a customer asks the next question once answered), throughput and events in a burst (every question at once)", c.Customers, len(qs))}
	if r.Rounds <= 0 {
		r.Rounds = 3
	}
	// Each measure is taken Rounds times, the sides taking turns; a round's customers are new.
	turns := func(measure func(t Target, side, round int) Measure) (product, bare Measure) {
		var ps, bs []Measure
		for round := range r.Rounds {
			sides := []int{0, 1}
			if round%2 == 1 {
				sides = []int{1, 0}
			}
			for _, side := range sides {
				if side == 0 {
					ps = append(ps, measure(c.Product, side, round))
				} else {
					bs = append(bs, measure(c.Bare, side, round))
				}
			}
		}
		return pool(ps...), pool(bs...)
	}
	paced, pacedBare := turns(func(t Target, side, round int) Measure {
		return Run(tb, c.Client, withoutHistory(t), Phones(fmt.Sprintf("278%d%s%d", 1+side, nonce, round), c.Customers), qs, true)
	})
	r.Product, r.Bare = turns(func(t Target, side, round int) Measure {
		return Run(tb, c.Client, t, Phones(fmt.Sprintf("278%d%s%d", 6+side, nonce, round), c.Customers), qs, false)
	})
	r.BurstP50, r.BurstP99 = [2]time.Duration{r.Product.P50, r.Bare.P50}, [2]time.Duration{r.Product.P99, r.Bare.P99}
	r.Product.P50, r.Product.P99 = paced.P50, paced.P99
	r.Bare.P50, r.Bare.P99 = pacedBare.P50, pacedBare.P99
	r.Throughputs = [2][]float64{r.Product.throughputs, r.Bare.throughputs}
	if c.OpenN > 0 {
		r.OpenN = c.OpenN
		open, openBare := turns(func(t Target, side, round int) Measure {
			return Measure{throughputs: []float64{OpenRate(tb, c.Client, t, Phones(fmt.Sprintf("278%d%s%d", 3+side, nonce, round), c.OpenN), "Hi")}}
		})
		r.OpenProduct, r.OpenBare = open.Throughput, openBare.Throughput
	}
	if c.LLM != nil {
		lq := Questions(c.KB, c.LLMQuestions)
		Run(tb, c.Client, withoutHistory(*c.LLM), Phones("2780"+nonce+"3", 2), lq[:1], false)
		var rounds []Measure
		for round := range r.Rounds {
			rounds = append(rounds, Run(tb, c.Client, *c.LLM, Phones(fmt.Sprintf("2785%s%d", nonce, round), c.Customers), lq, true))
		}
		m := pool(rounds...)
		r.LLM, r.LLMLatency = &m, c.LLMLatency
		r.LLMLoad = fmt.Sprintf("%d customers × %d FAQ questions paced, go-openai path, every model call %s", c.Customers, len(lq), c.LLMLatency)
	}
	return r
}

func withoutHistory(t Target) Target {
	t.WorkflowID = nil
	return t
}
