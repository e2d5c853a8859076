package readonly

import (
	"bytes"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestConcurrentRender renders one snapshot from several goroutines at
// once, as the master does off its queue; under -race this checks that
// the renderers only read the snapshot.
func TestConcurrentRender(t *testing.T) {
	s := testSnapshot(t)
	want := renderers(s)
	var wg sync.WaitGroup
	results := make([]map[string][]byte, 4)
	for i := range results {
		wg.Go(func() { results[i] = renderers(s) })
	}
	wg.Wait()
	for i, got := range results {
		for name, body := range got {
			if !bytes.Equal(body, want[name]) {
				t.Errorf("goroutine %d: %s differs from a sequential render", i, name)
			}
		}
	}
}
