package devserver

import (
	"github.com/supportd/supportd/internal/testkit"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestDatabaseFileUsesWAL starts the server on a database file and checks that SQLite runs it in WAL mode:
// the write-ahead log sits next to the file while the server runs, and the file's header records WAL (bytes
// 18 and 19 of a SQLite header are 1 for the rollback journal, 2 for WAL).
func TestDatabaseFileUsesWAL(t *testing.T) {
	db := filepath.Join(t.TempDir(), "data", "temporal.db")
	srv, err := Start(Options{DatabaseFile: db})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			srv.Stop()
		}
	}
	t.Cleanup(stop)

	if !testkit.Poll(10*time.Second, func() bool { _, err := os.Stat(db + "-wal"); return err == nil }) {
		entries, _ := os.ReadDir(filepath.Dir(db))
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("no %s-wal while the server runs (directory holds %v): journal_mode=wal did not take effect", filepath.Base(db), names)
	}
	stop()

	f, err := os.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	header := make([]byte, 20)
	if _, err := f.ReadAt(header, 0); err != nil {
		t.Fatal(err)
	}
	if string(header[:15]) != "SQLite format 3" {
		t.Fatalf("%s is not a SQLite database: %q", db, header[:16])
	}
	if header[18] != 2 || header[19] != 2 {
		t.Fatalf("file format write/read versions %d/%d, want 2/2 (WAL)", header[18], header[19])
	}
}
