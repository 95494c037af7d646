package activities

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/supportd/supportd/workflows/conversation"

	"github.com/supportd/supportd/whatsapp"
)

// memLedger is a SendLedger in memory. beforeRead, when set, runs before every SendRecord read (with the
// number of reads so far), so a test can make a status arrive while a retry waits.
type memLedger struct {
	mu         sync.Mutex
	marks      map[string]bool
	records    map[string]conversation.SendRecord
	reads      int
	fail       error
	beforeRead func(reads int, l *memLedger)
}

func newMemLedger() *memLedger {
	return &memLedger{marks: map[string]bool{}, records: map[string]conversation.SendRecord{}}
}

func (l *memLedger) MarkSending(_ context.Context, tag string, _ time.Duration) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		return l.fail
	}
	l.marks[tag] = true
	return nil
}

func (l *memLedger) Sending(_ context.Context, tag string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.marks[tag], l.fail
}

func (l *memLedger) ClearSending(_ context.Context, tag string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.marks, tag)
	return l.fail
}

func (l *memLedger) RecordSend(_ context.Context, tag, wamid string, status conversation.Delivery) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		return false, l.fail
	}
	l.records[tag] = conversation.SendRecord{MessageID: wamid, Status: status}
	return true, nil
}

func (l *memLedger) SendRecord(_ context.Context, tag string) (conversation.SendRecord, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reads++
	if l.beforeRead != nil {
		l.beforeRead(l.reads, l)
	}
	if l.fail != nil {
		return conversation.SendRecord{}, false, l.fail
	}
	r, ok := l.records[tag]
	return r, ok, nil
}

// graphSend is a send that counts its calls and the callback data they carried.
type graphSend struct {
	calls int
	tags  []string
	err   error
}

func (g *graphSend) send(ctx context.Context) (string, error) {
	g.calls++
	g.tags = append(g.tags, whatsapp.CallbackData(ctx))
	if g.err != nil {
		return "", g.err
	}
	return "wamid.NEW", nil
}

var (
	errRefused = errors.New("whatsapp api error 130429")
	errUnknown = errors.New("timeout awaiting response headers")
)

func refusedOnly(err error) bool { return errors.Is(err, errRefused) }

const tag = "sd1.AAAAAAAAAAAAAAAAAAAAAA"

func attemptOf(n int32) sendAttempt {
	return sendAttempt{tag: tag, number: n, deadline: time.Now().Add(time.Hour)}
}

func TestFirstAttemptSendsTaggedMarksAndRecords(t *testing.T) {
	l := newMemLedger()
	g := &graphSend{}
	o := &SendOnce{Ledger: l, Wait: time.Hour}
	id, err := o.attempt(t.Context(), attemptOf(1), "27820000001", g.send, refusedOnly)
	if err != nil || id != "wamid.NEW" {
		t.Fatalf("attempt = %q, %v", id, err)
	}
	if g.calls != 1 || g.tags[0] != tag {
		t.Fatalf("sent %d times with callback data %q, want once with %q", g.calls, g.tags, tag)
	}
	if !l.marks[tag] || l.records[tag] != (conversation.SendRecord{MessageID: "wamid.NEW", Status: conversation.DeliveryAccepted}) {
		t.Fatalf("ledger marks %v records %v", l.marks, l.records)
	}
}

func TestRetryWithoutMarkSendsAtOnce(t *testing.T) {
	l := newMemLedger()
	g := &graphSend{}
	o := &SendOnce{Ledger: l, Wait: time.Hour} // waiting would time the test out
	if _, err := o.attempt(t.Context(), attemptOf(2), "", g.send, refusedOnly); err != nil {
		t.Fatal(err)
	}
	if g.calls != 1 || l.reads != 1 {
		t.Fatalf("sent %d times after %d reads, want once after one", g.calls, l.reads)
	}
}

func TestRetryWithRecordReturnsItsMessageWithoutSending(t *testing.T) {
	for _, status := range []conversation.Delivery{conversation.DeliveryAccepted, "sent", "delivered", "read", "failed"} {
		l := newMemLedger()
		l.marks[tag] = true
		l.records[tag] = conversation.SendRecord{MessageID: "wamid.FIRST", Status: status}
		g := &graphSend{}
		o := &SendOnce{Ledger: l, Wait: time.Hour}
		id, err := o.attempt(t.Context(), attemptOf(3), "", g.send, refusedOnly)
		if err != nil || id != "wamid.FIRST" || g.calls != 0 {
			t.Errorf("%s: attempt = %q, %v after %d sends; want wamid.FIRST and no send", status, id, err, g.calls)
		}
	}
}

func TestRetryWithMarkWaitsForTheStatus(t *testing.T) {
	l := newMemLedger()
	l.marks[tag] = true
	// The status webhook is recorded while the retry waits, after a few reads.
	l.beforeRead = func(reads int, l *memLedger) {
		if reads == 4 {
			l.records[tag] = conversation.SendRecord{MessageID: "wamid.FIRST", Status: "sent"}
		}
	}
	g := &graphSend{}
	o := &SendOnce{Ledger: l, Wait: time.Hour}
	id, err := o.attempt(t.Context(), attemptOf(2), "", g.send, refusedOnly)
	if err != nil || id != "wamid.FIRST" || g.calls != 0 {
		t.Fatalf("attempt = %q, %v after %d sends; want wamid.FIRST and no send", id, err, g.calls)
	}
}

func TestRetryWithMarkAndNoStatusSendsAfterTheWait(t *testing.T) {
	l := newMemLedger()
	l.marks[tag] = true
	g := &graphSend{}
	o := &SendOnce{Ledger: l, Wait: 300 * time.Millisecond}
	id, err := o.attempt(t.Context(), attemptOf(2), "", g.send, refusedOnly)
	if err != nil || id != "wamid.NEW" || g.calls != 1 {
		t.Fatalf("attempt = %q, %v after %d sends; want one new send", id, err, g.calls)
	}
	if l.reads < 2 {
		t.Fatalf("%d reads: the retry did not wait for a status", l.reads)
	}
}

func TestWaitLeavesTheSendItsTime(t *testing.T) {
	l := newMemLedger()
	l.marks[tag] = true
	g := &graphSend{}
	o := &SendOnce{Ledger: l, Wait: time.Hour, SendTimeout: 15 * time.Second}
	at := sendAttempt{tag: tag, number: 2, deadline: time.Now().Add(10 * time.Second)}
	if _, err := o.attempt(t.Context(), at, "", g.send, refusedOnly); err != nil {
		t.Fatal(err)
	}
	if g.calls != 1 || l.reads != 1 {
		t.Fatalf("sent %d times after %d reads; want a send without waiting", g.calls, l.reads)
	}
}

func TestCancelledWhileWaitingSendsNothing(t *testing.T) {
	l := newMemLedger()
	l.marks[tag] = true
	ctx, cancel := context.WithCancel(t.Context())
	l.beforeRead = func(reads int, _ *memLedger) {
		if reads == 2 {
			cancel()
		}
	}
	g := &graphSend{}
	o := &SendOnce{Ledger: l, Wait: time.Hour}
	if _, err := o.attempt(ctx, attemptOf(2), "", g.send, refusedOnly); !errors.Is(err, context.Canceled) || g.calls != 0 {
		t.Fatalf("error %v after %d sends; want cancelled and no send", err, g.calls)
	}
}

func TestRedisDownSends(t *testing.T) {
	for _, n := range []int32{1, 2} {
		l := newMemLedger()
		l.fail = errors.New("dial tcp: connection refused")
		g := &graphSend{}
		o := &SendOnce{Ledger: l, Wait: time.Hour}
		id, err := o.attempt(t.Context(), attemptOf(n), "", g.send, refusedOnly)
		if err != nil || id != "wamid.NEW" || g.calls != 1 || g.tags[0] != tag {
			t.Errorf("attempt %d: %q, %v after %d sends; want one tagged send", n, id, err, g.calls)
		}
	}
}

func TestARefusalClearsTheMarkAnUnknownOutcomeKeepsIt(t *testing.T) {
	for _, c := range []struct {
		err      error
		wantMark bool
	}{{errRefused, false}, {errUnknown, true}} {
		l := newMemLedger()
		g := &graphSend{err: c.err}
		o := &SendOnce{Ledger: l}
		if _, err := o.attempt(t.Context(), attemptOf(1), "", g.send, refusedOnly); !errors.Is(err, c.err) {
			t.Fatalf("error = %v, want %v", err, c.err)
		}
		if l.marks[tag] != c.wantMark || len(l.records) != 0 {
			t.Errorf("after %v: mark %v records %v; want mark %v and no record", c.err, l.marks[tag], l.records, c.wantMark)
		}
	}
}

func TestNoLedgerStillTags(t *testing.T) {
	g := &graphSend{}
	var o *SendOnce
	if _, err := o.attempt(t.Context(), attemptOf(2), "", g.send, nil); err != nil || g.calls != 1 || g.tags[0] != tag {
		t.Fatalf("error %v, %d sends with %q", err, g.calls, g.tags)
	}
}

func TestSendTag(t *testing.T) {
	a := SendTag("conversation-27820000001", "run-1", "12")
	if a != SendTag("conversation-27820000001", "run-1", "12") {
		t.Fatal("the tag of the same activity changed")
	}
	others := []string{
		SendTag("conversation-27820000001", "run-1", "13"),
		SendTag("conversation-27820000001", "run-2", "12"),
		SendTag("conversation-27820000002", "run-1", "12"),
		SendTag("conversation-2782000000", "1run-1", "12"),
	}
	for _, b := range others {
		if a == b {
			t.Errorf("two sends share the tag %q", a)
		}
	}
	if !IsSendTag(a) || len(a) > whatsapp.MaxCallbackDataLength || strings.Contains(a, "2782") {
		t.Errorf("tag %q: not short and opaque", a)
	}
	if IsSendTag("campaign-42") || IsSendTag("") {
		t.Error("another tool's callback data taken for a send tag")
	}
}
