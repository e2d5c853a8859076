package containerizer

import (
	"container/list"
	"errors"
	"fmt"
	"strconv"
)

// cacheFilePrefix starts every cache file name (CACHE_FILE_NAME_PREFIX).
const cacheFilePrefix = "c"

// DefaultFetcherCacheSize is --fetcher_cache_size's default,
// DEFAULT_FETCHER_CACHE_SIZE = Gigabytes(2) (src/slave/constants.hpp).
const DefaultFetcherCacheSize = 2 << 30

// cacheEntry is FetcherProcess::Cache::Entry: one cache file for one
// user/URI key. done is closed when the download into the cache completed
// (ok) or failed; concurrent fetches of the same key wait on it.
type cacheEntry struct {
	key      string
	dir      string
	filename string
	size     int64 // claimed bytes; > 0 iff space is claimed
	refs     int
	done     chan struct{}
	ok       bool
	settled  bool
	elem     *list.Element
}

func (e *cacheEntry) path() string { return e.dir + "/" + e.filename }

// pending reports whether the download into the cache is still going on.
func (e *cacheEntry) pending() bool { return !e.settled }

func (e *cacheEntry) complete() { e.settle(true) }
func (e *cacheEntry) fail()     { e.settle(false) }

func (e *cacheEntry) settle(ok bool) {
	if e.settled {
		return
	}
	e.settled, e.ok = true, ok
	close(e.done)
}

// fetchCache is FetcherProcess::Cache: the table of cache entries, their LRU
// order and the space accounting. It does no I/O (the fetcher deletes the
// files of removed entries) and is not safe for concurrent use; the fetcher
// serializes calls as the FetcherProcess actor does.
type fetchCache struct {
	space  int64 // --fetcher_cache_size
	tally  int64 // reserved/used bytes
	serial uint64
	table  map[string]*cacheEntry
	lru    *list.List // front = least recently used

	hits, misses, evictions uint64
}

func newFetchCache(space int64) *fetchCache {
	return &fetchCache{space: space, table: map[string]*cacheEntry{}, lru: list.New()}
}

// cacheKey is fetcher.cpp cacheKey: "user@uri", or the URI without a user.
func cacheKey(user, uri string) string {
	if user == "" {
		return uri
	}
	return user + "@" + uri
}

// nextFilename is Cache::nextFilename: "c<serial>-<basename>", with a
// basename over 20 bytes shortened to its first and last 10 joined by "_".
func (c *fetchCache) nextFilename(uri string) string {
	base, err := uriBasename(uri)
	if err != nil || base == "" {
		base = "uri"
	}
	if len(base) > 20 {
		base = base[:10] + "_" + base[len(base)-10:]
	}
	c.serial++
	return cacheFilePrefix + strconv.FormatUint(c.serial, 10) + "-" + base
}

// create is Cache::create: a new, unreferenced, pending entry at the MRU end.
func (c *fetchCache) create(dir, user, uri string) *cacheEntry {
	e := &cacheEntry{key: cacheKey(user, uri), dir: dir, filename: c.nextFilename(uri), done: make(chan struct{})}
	c.table[e.key] = e
	e.elem = c.lru.PushBack(e)
	return e
}

// get is Cache::get: the entry for user/uri, refreshed to MRU.
func (c *fetchCache) get(user, uri string) *cacheEntry {
	e := c.table[cacheKey(user, uri)]
	if e != nil {
		c.lru.MoveToBack(e.elem)
	}
	return e
}

// contains reports whether e is the live entry for its key.
func (c *fetchCache) contains(e *cacheEntry) bool { return c.table[e.key] == e }

// remove is Cache::remove minus the file deletion: drops e from the table
// and LRU list and releases its claimed space.
func (c *fetchCache) remove(e *cacheEntry) {
	if !c.contains(e) {
		return
	}
	delete(c.table, e.key)
	c.lru.Remove(e.elem)
	if e.size > 0 {
		c.release(e.size)
		e.size = 0
	}
}

// selectVictims is Cache::selectVictims: unreferenced entries from the LRU
// end until their sizes add up to required.
func (c *fetchCache) selectVictims(required int64) ([]*cacheEntry, error) {
	var victims []*cacheEntry
	var space int64
	for el := c.lru.Front(); el != nil; el = el.Next() {
		e := el.Value.(*cacheEntry)
		if e.refs > 0 {
			continue
		}
		victims = append(victims, e)
		space += e.size
		if space >= required {
			return victims, nil
		}
	}
	return nil, errors.New("could not find enough cache files to evict")
}

// reserve is Cache::reserve followed by claimSpace, as reserveCacheSpace
// does: it evicts LRU entries until requested bytes are available, claims
// them for e, and returns the evicted entries (whose files the caller
// deletes).
func (c *fetchCache) reserve(e *cacheEntry, requested int64) ([]*cacheEntry, error) {
	var evicted []*cacheEntry
	if avail := c.available(); avail < requested {
		victims, err := c.selectVictims(requested - avail)
		if err != nil {
			return nil, fmt.Errorf("could not free up enough fetcher cache space: %w", err)
		}
		for _, v := range victims {
			c.remove(v)
			c.evictions++
		}
		evicted = victims
	}
	c.tally += requested
	e.size = requested
	return evicted, nil
}

func (c *fetchCache) release(b int64) {
	c.tally -= b
	if c.tally < 0 {
		c.tally = 0
	}
}

func (c *fetchCache) available() int64 {
	if c.tally > c.space {
		return 0
	}
	return c.space - c.tally
}

// adjust is Cache::adjust: once downloaded, a file smaller than predicted
// gives back the difference; a larger one is an error (the caller removes
// the entry after delivering the file).
func (c *fetchCache) adjust(e *cacheEntry, actual int64) error {
	if actual > e.size {
		return fmt.Errorf("more cache size now necessary, not adjusting %s", e.key)
	}
	c.release(e.size - actual)
	e.size = actual
	return nil
}
