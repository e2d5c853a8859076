package containerizer

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCacheFilenames(t *testing.T) {
	c := newFetchCache(100)
	if got := c.nextFilename("http://h/short.tgz"); got != "c1-short.tgz" {
		t.Errorf("nextFilename = %q", got)
	}
	if got := c.nextFilename("http://h/" + strings.Repeat("a", 15) + "-long-name.tar.gz"); got != "c2-aaaaaaaaaa_ame.tar.gz" {
		t.Errorf("nextFilename(long) = %q", got)
	}
	if got := cacheKey("alice", "u"); got != "alice@u" {
		t.Errorf("cacheKey = %q", got)
	}
}

// TestCacheLRU exercises reserve/selectVictims/adjust without I/O.
func TestCacheLRU(t *testing.T) {
	c := newFetchCache(100)
	mk := func(uri string, size int64) *cacheEntry {
		e := c.create("/cache", "", uri)
		if _, err := c.reserve(e, size); err != nil {
			t.Fatalf("reserve(%s) = %v", uri, err)
		}
		e.complete()
		return e
	}
	a, b := mk("a", 40), mk("b", 40)
	c.get("", "a") // a is now MRU
	b.refs++       // b is in use: not evictable
	d := c.create("/cache", "", "d")
	evicted, err := c.reserve(d, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(evicted) != 1 || evicted[0] != a {
		t.Errorf("evicted %v, want a (b is referenced)", evicted)
	}
	if c.tally != 90 || c.contains(a) {
		t.Errorf("tally = %d, contains(a) = %v", c.tally, c.contains(a))
	}
	if _, err := c.reserve(c.create("/cache", "", "e"), 200); err == nil {
		t.Errorf("reserve(200) in a 100-byte cache = nil error")
	}
	if err := c.adjust(d, 30); err != nil || c.tally != 70 {
		t.Errorf("adjust(smaller) = %v, tally %d, want 70", err, c.tally)
	}
	if err := c.adjust(d, 31); err == nil {
		t.Errorf("adjust(larger) = nil error")
	}
	var keys []string
	for el := c.lru.Front(); el != nil; el = el.Next() {
		keys = append(keys, el.Value.(*cacheEntry).key)
	}
	if diff := cmp.Diff([]string{"b", "d", "e"}, keys); diff != "" {
		t.Errorf("LRU order (-want +got):\n%s", diff)
	}
}
