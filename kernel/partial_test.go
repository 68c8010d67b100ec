package kernel

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/protocol"
)

// partialSource answers with one record and says the answer is partial, as the
// VictoriaLogs source does with --partial and a storage node down.
type partialSource struct{}

func (partialSource) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	r := value.NewRecord(1)
	r.Append("timestamp", value.Timestamp(req.From))
	return &partialIter{recs: []*value.Record{r}}, nil
}

type partialIter struct{ recs []*value.Record }

func (it *partialIter) Next(context.Context) ([]*value.Record, error) {
	b := it.recs
	it.recs = nil
	return b, nil
}

func (it *partialIter) Close() error { return nil }

func (it *partialIter) Warnings() []string {
	return []string{"partial result: a storage node is unavailable"}
}

// TestPartialResultWarns checks that a cell whose source answered partially says so
// in its output, beside the table.
func TestPartialResultWarns(t *testing.T) {
	c := newClient(t, newTestSession(t, Options{Source: partialSource{}}))
	rc, pub := c.execute("fetch logs", nil)
	if rc.Status != "ok" {
		t.Fatalf("status %q", rc.Status)
	}
	for _, m := range pub {
		if m.Header.MsgType != protocol.Stream {
			continue
		}
		var sc protocol.StreamContent
		json.Unmarshal(m.Content, &sc)
		if sc.Name == "stderr" && strings.Contains(sc.Text, "warning: partial result: a storage node is unavailable") {
			return
		}
	}
	t.Fatalf("no warning on stderr; broadcasts %q", types(pub))
}
