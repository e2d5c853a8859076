package containerizer

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Default size limits of the fetcher. Mesos has none; a download or an
// archive larger than these fails the fetch.
const (
	DefaultMaxDownloadSize = 2 << 30
	DefaultMaxExtractSize  = 8 << 30
)

// FetcherConfig configures a Fetcher. The zero value is usable.
type FetcherConfig struct {
	// CacheDir is --fetcher_cache_dir; it is wiped when the fetcher is
	// created, as Mesos's Fetcher constructor does. Default
	// $TMPDIR/mesos/fetch (Mesos's default).
	CacheDir string
	// CacheSize is --fetcher_cache_size in bytes; 0 means the 2 GB default
	// and a negative value disables the cache (Mesos: set it to 0).
	CacheSize int64
	// MaxDownloadSize caps one URI's bytes (0: DefaultMaxDownloadSize,
	// negative: no limit).
	MaxDownloadSize int64
	// MaxExtractSize caps the bytes one archive may expand to (0:
	// DefaultMaxExtractSize, negative: no limit).
	MaxExtractSize int64
	// StallTimeout is --fetcher_stall_timeout (0: one minute).
	StallTimeout time.Duration
	// HTTPClient downloads http(s) URIs (nil: a client without timeout;
	// stalls are caught by StallTimeout).
	HTTPClient *http.Client
	// Clock drives the stall timeout (nil: RealClock).
	Clock Clock
	// Logger receives fetch warnings (nil: discarded).
	Logger *slog.Logger
}

// FetcherMetrics are the fetcher's counters, tagged with the metric names
// the agent publishes them under. The first four are Mesos's metrics
// (FetcherProcess::Metrics); the cache hit/miss/eviction counts and the
// entry count are mesoscope's, named under the same containerizer/fetcher/
// prefix.
type FetcherMetrics struct {
	TaskFetchesSucceeded uint64 `json:"containerizer/fetcher/task_fetches_succeeded"`
	TaskFetchesFailed    uint64 `json:"containerizer/fetcher/task_fetches_failed"`
	CacheSizeTotalBytes  int64  `json:"containerizer/fetcher/cache_size_total_bytes"`
	CacheSizeUsedBytes   int64  `json:"containerizer/fetcher/cache_size_used_bytes"`
	CacheHits            uint64 `json:"containerizer/fetcher/cache_hits"`
	CacheMisses          uint64 `json:"containerizer/fetcher/cache_misses"`
	CacheEvictions       uint64 `json:"containerizer/fetcher/cache_evictions"`
	CacheEntries         int    `json:"containerizer/fetcher/cache_entries"`
}

// Fetcher downloads a command's URIs into a sandbox, through a size-limited
// LRU cache for URIs with cache=true. It models FetcherProcess
// (src/slave/containerizer/fetcher.cpp) and the mesos-fetcher program
// (src/launcher/fetcher.cpp), in-process: the planning (which URIs bypass
// the cache, which are downloaded into it, which are retrieved from it),
// reference counting, space reservation and LRU eviction follow
// docs/fetcher-cache-internals.md. Safe for concurrent use.
type Fetcher struct {
	cfg        FetcherConfig
	dl         *downloader
	log        *slog.Logger
	maxExtract int64

	mu        sync.Mutex
	cache     *fetchCache
	succeeded uint64
	failed    uint64
}

// NewFetcher wipes the cache directory and returns a fetcher.
func NewFetcher(cfg FetcherConfig) (*Fetcher, error) {
	if cfg.CacheDir == "" {
		cfg.CacheDir = filepath.Join(os.TempDir(), "mesos", "fetch")
	}
	switch {
	case cfg.CacheSize == 0:
		cfg.CacheSize = DefaultFetcherCacheSize
	case cfg.CacheSize < 0:
		cfg.CacheSize = 0
	}
	if cfg.MaxDownloadSize == 0 {
		cfg.MaxDownloadSize = DefaultMaxDownloadSize
	}
	if cfg.MaxExtractSize == 0 {
		cfg.MaxExtractSize = DefaultMaxExtractSize
	}
	if cfg.StallTimeout == 0 {
		cfg.StallTimeout = DefaultFetcherStallTimeout
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Clock == nil {
		cfg.Clock = RealClock{}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.RemoveAll(cfg.CacheDir); err != nil {
		return nil, fmt.Errorf("fetcher: could not delete fetcher cache directory %q: %w", cfg.CacheDir, err)
	}
	f := &Fetcher{cfg: cfg, log: log, cache: newFetchCache(cfg.CacheSize), maxExtract: cfg.MaxExtractSize}
	f.dl = &downloader{client: cfg.HTTPClient, maxSize: cfg.MaxDownloadSize, stall: cfg.StallTimeout, clock: cfg.Clock, after: cfg.Clock.AfterFunc}
	return f, nil
}

// setAfter routes the fetcher's timers through the containerizer's tracked
// AfterFunc.
func (f *Fetcher) setAfter(after func(time.Duration, func()) Timer) { f.dl.after = after }

// Metrics returns a snapshot of the counters.
func (f *Fetcher) Metrics() FetcherMetrics {
	f.mu.Lock()
	defer f.mu.Unlock()
	return FetcherMetrics{
		TaskFetchesSucceeded: f.succeeded,
		TaskFetchesFailed:    f.failed,
		CacheSizeTotalBytes:  f.cache.space,
		CacheSizeUsedBytes:   f.cache.tally,
		CacheHits:            f.cache.hits,
		CacheMisses:          f.cache.misses,
		CacheEvictions:       f.cache.evictions,
		CacheEntries:         len(f.cache.table),
	}
}

// fetchAction is FetcherInfo.Item.Action.
type fetchAction int

const (
	bypassCache fetchAction = iota
	downloadAndCache
	retrieveFromCache
)

type fetchItem struct {
	uri    URI
	entry  *cacheEntry
	action fetchAction
	// owner marks the fetch that created entry (it downloads it).
	owner bool
}

// Fetch downloads cmd.URIs into sandbox for container id. user (overridden
// by cmd.User) segregates cache entries and owns the sandbox afterwards.
// Log lines in the mesos-fetcher's words go to log (may be nil). The first
// failing URI fails the whole fetch; the error names it. Cancelling ctx
// aborts downloads (FetcherProcess::kill).
func (f *Fetcher) Fetch(ctx context.Context, id ContainerID, cmd CommandInfo, sandbox, usr string, log io.Writer) error {
	if log == nil {
		log = io.Discard
	}
	err := f.fetch(ctx, id, cmd, sandbox, usr, log)
	f.mu.Lock()
	if err != nil {
		f.failed++
	} else {
		f.succeeded++
	}
	f.mu.Unlock()
	if err != nil {
		fmt.Fprintf(log, "Failed to fetch: %v\n", err)
		return fmt.Errorf("fetcher: container %s: %w", id, err)
	}
	return nil
}

func (f *Fetcher) fetch(ctx context.Context, id ContainerID, cmd CommandInfo, sandbox, usr string, log io.Writer) error {
	for _, u := range cmd.URIs {
		if err := validateURI(u.Value); err != nil {
			return fmt.Errorf("could not fetch %q: %w", u.Value, err)
		}
		if u.OutputFile != "" {
			if err := validateOutputFile(u.OutputFile); err != nil {
				return fmt.Errorf("could not fetch %q: %w", u.Value, err)
			}
		}
	}
	if len(cmd.URIs) == 0 {
		return nil
	}
	if cmd.User != "" {
		usr = cmd.User
	}
	cacheDir := f.cfg.CacheDir
	if usr != "" {
		cacheDir = filepath.Join(cacheDir, usr)
	}

	// Plan: which URIs use the cache, and which entries this fetch creates.
	items := make([]*fetchItem, len(cmd.URIs))
	f.mu.Lock()
	created := map[string]*cacheEntry{}
	for i, u := range cmd.URIs {
		it := &fetchItem{uri: u}
		items[i] = it
		if !u.Cache || f.cache.space <= 0 {
			continue
		}
		if e := created[u.Value]; e != nil {
			e.refs++
			it.entry, it.action = e, downloadAndCache
			continue
		}
		if e := f.cache.get(usr, u.Value); e != nil {
			if e.settled && e.ok {
				if _, err := os.Stat(e.path()); err != nil {
					// Cache::validate: the file is gone; drop the entry.
					f.log.Warn("fetcher cache validation failed; removing entry", "key", e.key, "err", err)
					f.cache.remove(e)
					e = nil
				}
			}
			if e != nil {
				e.refs++
				it.entry, it.action = e, retrieveFromCache
				continue
			}
		}
		e := f.cache.create(cacheDir, usr, u.Value)
		e.refs++
		f.cache.misses++
		created[u.Value] = e
		it.entry, it.action, it.owner = e, downloadAndCache, true
	}
	f.mu.Unlock()

	err := f.run(ctx, items, cacheDir, sandbox, log)

	// Release references; settle what this fetch created but did not finish.
	f.mu.Lock()
	var stale []string
	for _, it := range items {
		if it.entry == nil {
			continue
		}
		it.entry.refs--
		if it.owner && it.entry.pending() {
			it.entry.fail()
			if f.cache.contains(it.entry) {
				f.cache.remove(it.entry)
				stale = append(stale, it.entry.path())
			}
		}
	}
	f.mu.Unlock()
	for _, p := range stale {
		os.Remove(p)
	}
	if err != nil {
		return err
	}
	if usr != "" && os.Geteuid() == 0 {
		if err := chownTree(sandbox, usr); err != nil {
			return err
		}
	}
	return nil
}

// run downloads the entries this fetch owns into the cache, then waits for
// entries other fetches are downloading, then delivers every URI into the
// sandbox in order. Finishing our own downloads before waiting for anyone
// else's means two fetches that each wait for the other's entry cannot
// deadlock.
func (f *Fetcher) run(ctx context.Context, items []*fetchItem, cacheDir, sandbox string, log io.Writer) error {
	for _, it := range items {
		if it.owner {
			if err := f.fillCache(ctx, it, cacheDir, log); err != nil {
				return fmt.Errorf("failed to fetch %q: %w", it.uri.Value, err)
			}
		}
	}
	for _, it := range items {
		if it.entry == nil || it.owner {
			continue
		}
		select {
		case <-it.entry.done:
		case <-ctx.Done():
			return fmt.Errorf("failed to fetch %q: %w", it.uri.Value, ctx.Err())
		}
		if !it.entry.ok {
			f.log.Warn("reverting to fetching directly into the sandbox after a cache failure", "uri", it.uri.Value)
			it.action = bypassCache
			continue
		}
		if it.action == retrieveFromCache {
			f.mu.Lock()
			f.cache.hits++
			f.mu.Unlock()
		}
	}
	for _, it := range items {
		fmt.Fprintf(log, "Fetching URI '%s'\n", it.uri.Value)
		var dest string
		var err error
		if it.action == bypassCache {
			dest, err = f.fetchBypassingCache(ctx, it.uri, sandbox)
		} else {
			dest, err = f.fetchFromCache(it, sandbox)
		}
		if err != nil {
			return fmt.Errorf("failed to fetch %q: %w", it.uri.Value, err)
		}
		fmt.Fprintf(log, "Fetched '%s' to '%s'\n", it.uri.Value, dest)
	}
	return nil
}

// fillCache probes the size, reserves space (evicting LRU entries) and
// downloads an entry this fetch created. Size and space failures fall back
// to bypassing the cache; a failed download fails the fetch.
func (f *Fetcher) fillCache(ctx context.Context, it *fetchItem, cacheDir string, log io.Writer) error {
	e := it.entry
	size, err := f.dl.size(ctx, it.uri.Value)
	var evicted []*cacheEntry
	if err == nil {
		f.mu.Lock()
		evicted, err = f.cache.reserve(e, size)
		f.mu.Unlock()
		for _, v := range evicted {
			os.Remove(v.path())
		}
	}
	if err != nil {
		f.log.Warn("reverting to fetching directly into the sandbox", "uri", it.uri.Value, "err", err)
		fmt.Fprintf(log, "Reverting to fetching directly into the sandbox for '%s', due to failure to fetch through the cache, with error: %v\n", it.uri.Value, err)
		f.settleFailed(e)
		it.action, it.owner = bypassCache, false
		return nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return fmt.Errorf("could not create the fetcher cache directory: %w", err)
	}
	n, err := f.dl.download(ctx, it.uri.Value, e.path())
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.cache.adjust(e, n); err != nil {
		// Deliver this time, but do not keep an entry larger than reserved.
		f.log.Warn("fetcher cache file larger than expected", "key", e.key, "err", err)
		e.fail()
		f.cache.remove(e)
		return nil
	}
	e.complete()
	return nil
}

func (f *Fetcher) settleFailed(e *cacheEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e.fail()
	if f.cache.contains(e) {
		f.cache.remove(e)
	}
}

// sandboxDest computes where a URI lands in the sandbox, creating
// output_file's directories without following symlinks.
func sandboxDest(sandbox string, u URI) (string, error) {
	name := u.OutputFile
	if name == "" {
		var err error
		if name, err = uriBasename(u.Value); err != nil {
			return "", err
		}
	}
	x := &extractor{root: sandbox}
	dest, err := safeJoin(sandbox, name)
	if err != nil || dest == sandbox {
		return "", fmt.Errorf("output file %q is not within the sandbox directory", name)
	}
	if _, err := x.mkdirAll(filepath.Dir(name), 0o755); err != nil {
		return "", fmt.Errorf("unable to create subdirectory %q in sandbox: %w", filepath.Dir(name), err)
	}
	if err := x.checkAncestors(dest); err != nil {
		return "", err
	}
	if fi, err := os.Lstat(dest); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		os.Remove(dest) // never write through a symlink
	}
	return dest, nil
}

// fetchBypassingCache is the mesos-fetcher's fetchBypassingCache.
func (f *Fetcher) fetchBypassingCache(ctx context.Context, u URI, sandbox string) (string, error) {
	dest, err := sandboxDest(sandbox, u)
	if err != nil {
		return "", err
	}
	if _, err := f.dl.download(ctx, u.Value, dest); err != nil {
		return "", err
	}
	switch {
	case u.Executable:
		return dest, os.Chmod(dest, 0o755)
	case u.Extract:
		if ok, err := extract(dest, dest, sandbox, f.maxExtract); err != nil {
			return "", err
		} else if !ok && archiveKindOf(dest) == notArchive {
			f.log.Debug("copying instead of extracting: not an archive", "uri", u.Value)
		}
	}
	return dest, nil
}

// fetchFromCache is the mesos-fetcher's fetchFromCache.
func (f *Fetcher) fetchFromCache(it *fetchItem, sandbox string) (string, error) {
	src := it.entry.path()
	u := it.uri
	if !u.Executable && u.Extract {
		name := u.OutputFile
		if name == "" {
			name, _ = uriBasename(u.Value)
		}
		if ok, err := extract(src, name, sandbox, f.maxExtract); err != nil {
			return "", err
		} else if ok {
			return sandbox, nil
		}
	}
	dest, err := sandboxDest(sandbox, u)
	if err != nil {
		return "", err
	}
	cp := &downloader{maxSize: -1}
	if _, err := cp.copyLocal(src, dest); err != nil {
		return "", err
	}
	if u.Executable {
		return dest, os.Chmod(dest, 0o755)
	}
	return dest, nil
}

// chownTree gives the sandbox to the task's user at the end of the fetch
// ("the sandbox directory is assigned to the specified user as owner").
func chownTree(root, name string) error {
	uid, gid, _, err := lookupUser(name)
	if err != nil {
		return err
	}
	return filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(uid), int(gid))
	})
}

// lookupUser resolves a user name to uid, gid and supplementary groups.
func lookupUser(name string) (uid, gid uint32, groups []uint32, err error) {
	u, err := user.Lookup(name)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("user %q: %w", name, err)
	}
	id, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("user %q: uid %q: %w", name, u.Uid, err)
	}
	g, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("user %q: gid %q: %w", name, u.Gid, err)
	}
	gids, _ := u.GroupIds()
	for _, s := range gids {
		if v, err := strconv.ParseUint(s, 10, 32); err == nil {
			groups = append(groups, uint32(v))
		}
	}
	return uint32(id), uint32(g), groups, nil
}
