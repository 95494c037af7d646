package gateway

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// statusQueries answers status queries, counting how many are in flight at once; a query of a workflow in
// silent never answers.
type statusQueries struct {
	client.Client

	mu                sync.Mutex
	inFlight, maximum int
	silent            map[string]bool
}

func (q *statusQueries) QueryWorkflow(ctx context.Context, workflowID, runID, name string, args ...any) (converter.EncodedValue, error) {
	q.mu.Lock()
	q.inFlight++
	q.maximum = max(q.maximum, q.inFlight)
	q.mu.Unlock()
	defer func() {
		q.mu.Lock()
		q.inFlight--
		q.mu.Unlock()
	}()
	phone, _ := workflows.KeyOf(workflowID)
	if q.silent[phone] {
		return nil, errors.New("query timed out")
	}
	return snapshotValue{conversation.Snapshot{Phone: phone}}, nil
}

type snapshotValue struct{ snap conversation.Snapshot }

func (v snapshotValue) HasValue() bool { return true }
func (v snapshotValue) Get(p any) error {
	*p.(*conversation.Snapshot) = v.snap
	return nil
}

// queryAll asks at most 8 conversations at a time, of the first 100, and leaves out those that do not answer.
func TestQueryAll(t *testing.T) {
	var phones []string
	for i := range 120 {
		phones = append(phones, fmt.Sprintf("2782%07d", i))
	}
	q := &statusQueries{silent: map[string]bool{phones[3]: true, phones[50]: true}}
	s := &Server{opts: Options{Temporal: q}}
	var got []string
	for _, snap := range s.queryAll(context.Background(), phones) {
		got = append(got, snap.Phone)
	}
	slices.Sort(got)
	want := slices.DeleteFunc(slices.Clone(phones[:100]), func(p string) bool { return q.silent[p] })
	if !slices.Equal(got, want) {
		t.Errorf("queryAll listed %d conversations %v, want the %d that answered of the first 100", len(got), got, len(want))
	}
	if q.maximum > 8 || q.maximum < 1 {
		t.Errorf("%d queries in flight at once, want at most 8", q.maximum)
	}
}
