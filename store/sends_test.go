package store_test

import (
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/store"
	"github.com/supportd/supportd/workflows/conversation"
)

const tag = "sd1.AAAAAAAAAAAAAAAAAAAAAA"

func TestSendRecordKeepsTheMostAdvancedStatus(t *testing.T) {
	s, mr := newStore(t)
	ctx := t.Context()
	if _, found, err := s.SendRecord(ctx, tag); err != nil || found {
		t.Fatalf("empty store: found %v, %v", found, err)
	}
	steps := []struct {
		wamid   string
		status  conversation.Delivery
		changed bool
		want    conversation.Delivery
	}{
		{"wamid.A", "read", true, "read"},       // read overtook sent and delivered
		{"wamid.A", "sent", false, "read"},      // a late sent never overwrites read
		{"wamid.A", "delivered", false, "read"}, // nor a late delivered
		{"wamid.A", "read", false, "read"},      // Meta delivers the same status again
		{"wamid.A", conversation.DeliveryAccepted, false, "read"},
	}
	for i, st := range steps {
		changed, err := s.RecordSend(ctx, tag, st.wamid, st.status)
		if err != nil || changed != st.changed {
			t.Fatalf("step %d (%s): changed %v, %v; want %v", i, st.status, changed, err, st.changed)
		}
		rec, found, err := s.SendRecord(ctx, tag)
		if err != nil || !found || rec != (conversation.SendRecord{MessageID: "wamid.A", Status: st.want}) {
			t.Fatalf("step %d (%s): record %+v found %v, %v; want %s", i, st.status, rec, found, err, st.want)
		}
	}
	if ttl := mr.TTL("wa_send:" + tag); ttl < 6*24*time.Hour || ttl > store.SendRecordTTL {
		t.Errorf("record expires in %v, want about %v", ttl, store.SendRecordTTL)
	}
}

func TestSendRecordMovesForward(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	for _, status := range []conversation.Delivery{conversation.DeliveryAccepted, "sent", "delivered", "read"} {
		if changed, err := s.RecordSend(ctx, tag, "wamid.A", status); err != nil || !changed {
			t.Fatalf("%s: changed %v, %v; want a change", status, changed, err)
		}
	}
	// A second WAMID for the same tag does not replace the first.
	if _, err := s.RecordSend(ctx, tag, "wamid.B", "read"); err != nil {
		t.Fatal(err)
	}
	if rec, _, _ := s.SendRecord(ctx, tag); rec.MessageID != "wamid.A" || rec.Status != "read" {
		t.Fatalf("record %+v", rec)
	}
	// A failed status beats sent but not delivered.
	other := "sd1.BBBBBBBBBBBBBBBBBBBBBB"
	for _, st := range []struct {
		status, want conversation.Delivery
	}{{"sent", "sent"}, {"failed", "failed"}, {"sent", "failed"}} {
		if _, err := s.RecordSend(ctx, other, "wamid.C", st.status); err != nil {
			t.Fatal(err)
		}
		if rec, _, _ := s.SendRecord(ctx, other); rec.Status != st.want {
			t.Fatalf("after %s: %+v, want %s", st.status, rec, st.want)
		}
	}
	if _, err := s.RecordSend(ctx, tag, "wamid.A", "played"); err == nil {
		t.Error("an unknown status was recorded")
	}
}

func TestSendingMarks(t *testing.T) {
	s, mr := newStore(t)
	ctx := t.Context()
	if on, err := s.Sending(ctx, tag); err != nil || on {
		t.Fatalf("unmarked: %v, %v", on, err)
	}
	if err := s.MarkSending(ctx, tag, time.Minute); err != nil {
		t.Fatal(err)
	}
	if on, err := s.Sending(ctx, tag); err != nil || !on {
		t.Fatalf("marked: %v, %v", on, err)
	}
	mr.FastForward(2 * time.Minute)
	if on, _ := s.Sending(ctx, tag); on {
		t.Fatal("the mark outlived its ttl")
	}
	_ = s.MarkSending(ctx, tag, time.Minute)
	if err := s.ClearSending(ctx, tag); err != nil {
		t.Fatal(err)
	}
	if on, _ := s.Sending(ctx, tag); on {
		t.Fatal("the mark survived ClearSending")
	}
}

func TestSendRecordsRedisDown(t *testing.T) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1})
	defer rdb.Close()
	s := store.New(rdb)
	mr.Close()
	ctx := t.Context()
	if _, err := s.RecordSend(ctx, tag, "wamid.A", "sent"); err == nil {
		t.Error("RecordSend without redis: no error")
	}
	if _, _, err := s.SendRecord(ctx, tag); err == nil {
		t.Error("SendRecord without redis: no error")
	}
	if err := s.MarkSending(ctx, tag, time.Minute); err == nil {
		t.Error("MarkSending without redis: no error")
	}
}
