package victorialogs

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/dqltest"
	"github.com/trailbook/trailbook/kernel/store"
)

const tutorialBucket = "my_aws_bucket"

// dataset is the shared test data loaded into the cluster and, for comparison,
// into an embedded store: every folder of shared/data/cloudtrail.
type dataset struct {
	folders []string
	cl      *Client
	st      *store.Store
	vlStats []store.IngestStats // per folder
	stStats []store.IngestStats
}

var (
	data     *dataset
	dataErr  string
	dataOnce sync.Once
)

// loaded returns the cluster with every data folder ingested into bucket
// my_aws_bucket, and the embedded store holding the same.
func loaded(t *testing.T) *dataset {
	t.Helper()
	c := sharedCluster(t)
	dataOnce.Do(func() {
		d := &dataset{cl: client(t, c)}
		shared := dqltest.SharedDir(t)
		all, _ := filepath.Glob(filepath.Join(shared, "data", "cloudtrail", "*"))
		for _, f := range all {
			if _, err := os.Stat(filepath.Join(f, "expected-usecases.json")); err == nil {
				d.folders = append(d.folders, f)
			}
		}
		if len(d.folders) < 4 {
			dataErr = "found fewer than 4 data folders with expectations"
			return
		}
		dir := filepath.Join(sharedDir, "data") // removed with the cluster's directory
		if err := os.MkdirAll(dir, 0o755); err != nil {
			dataErr = err.Error()
			return
		}
		var err error
		d.st, err = store.Open(filepath.Join(dir, "store"))
		if err != nil {
			dataErr = err.Error()
			return
		}
		for _, f := range d.folders {
			paths := []string{filepath.Join(f, "logs")}
			vs, err := d.cl.Ingest(context.Background(), paths, IngestOptions{Bucket: tutorialBucket})
			if err != nil {
				dataErr = "ingest into VictoriaLogs: " + err.Error()
				return
			}
			ss, err := d.st.Ingest(context.Background(), paths, store.IngestOptions{Bucket: tutorialBucket})
			if err != nil {
				dataErr = "ingest into the store: " + err.Error()
				return
			}
			d.vlStats = append(d.vlStats, vs)
			d.stStats = append(d.stStats, ss)
		}
		syn, err := writeSynthetic(dir)
		if err != nil {
			dataErr = err.Error()
			return
		}
		for _, b := range []string{tutorialBucket, "other"} {
			if _, err := d.cl.Ingest(context.Background(), []string{syn}, IngestOptions{Bucket: b}); err != nil {
				dataErr = "ingest of synthetic events into VictoriaLogs: " + err.Error()
				return
			}
			if _, err := d.st.Ingest(context.Background(), []string{syn}, store.IngestOptions{Bucket: b}); err != nil {
				dataErr = "ingest of synthetic events into the store: " + err.Error()
				return
			}
		}
		data = d
	})
	if data == nil {
		t.Fatalf("loading the test data: %s", dataErr)
	}
	return data
}

// TestTutorialOverCluster runs every tutorial query over the cluster and compares the
// answers with each folder's expected-usecases.json.
func TestTutorialOverCluster(t *testing.T) {
	d := loaded(t)
	for _, folder := range d.folders {
		t.Run(filepath.Base(folder), func(t *testing.T) {
			dqltest.TutorialCheck(t, d.cl, folder)
		})
	}
}

// TestIngestSummary checks that ingest counts as the embedded store does, and that
// ingesting again adds nothing.
func TestIngestSummary(t *testing.T) {
	d := loaded(t)
	for i, folder := range d.folders {
		vs, ss := d.vlStats[i], d.stStats[i]
		vs.Duration, ss.Duration = 0, 0
		if vs.SummaryLine() != ss.SummaryLine() {
			t.Errorf("%s: VictoriaLogs ingest says\n  %s\nthe store says\n  %s", filepath.Base(folder), vs.SummaryLine(), ss.SummaryLine())
		}
		again, err := d.cl.Ingest(context.Background(), []string{filepath.Join(folder, "logs")}, IngestOptions{Bucket: tutorialBucket})
		if err != nil {
			t.Fatalf("%s: second ingest: %v", filepath.Base(folder), err)
		}
		if again.New != 0 || again.Events != vs.Events {
			t.Errorf("%s: second ingest: %s, want the same events and 0 new", filepath.Base(folder), again.SummaryLine())
		}
	}
}
