package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/inspector"
)

func itoa(n int) string { return strconv.Itoa(n) }

// scalar formats a Mesos scalar the way the inspector does (three decimals at
// most, no trailing zeros).
func scalar(v float64) string { return inspector.FormatScalar(v) }

// mib formats a quantity of MiB (Mesos's unit for mem and disk).
func mib(v float64) string {
	switch {
	case v >= 1024*1024:
		return trimZero(fmt.Sprintf("%.1f", v/(1024*1024))) + "TiB"
	case v >= 1024:
		return trimZero(fmt.Sprintf("%.1f", v/1024)) + "GiB"
	}
	return scalar(v) + "MiB"
}

// bytesText formats a byte count.
func bytesText(b float64) string {
	switch {
	case b <= 0:
		return "-"
	case b >= 1<<30:
		return trimZero(fmt.Sprintf("%.1f", b/(1<<30))) + "GiB"
	case b >= 1<<20:
		return trimZero(fmt.Sprintf("%.1f", b/(1<<20))) + "MiB"
	case b >= 1<<10:
		return trimZero(fmt.Sprintf("%.1f", b/(1<<10))) + "KiB"
	}
	return fmt.Sprintf("%.0fB", b)
}

func trimZero(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// age formats a duration the way k9s shows ages: the two largest units.
func age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}

// latency formats a short duration with a unit that keeps three digits.
func latency(d time.Duration) string {
	switch {
	case d <= 0:
		return "0"
	case d < time.Microsecond:
		return fmt.Sprintf("%dns", d.Nanoseconds())
	case d < time.Millisecond:
		return trimZero(fmt.Sprintf("%.1f", float64(d)/float64(time.Microsecond))) + "µs"
	case d < time.Second:
		return trimZero(fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond))) + "ms"
	}
	return trimZero(fmt.Sprintf("%.2f", d.Seconds())) + "s"
}

// pct formats a fraction as a percentage.
func pct(f float64) string {
	return fmt.Sprintf("%.0f%%", f*100)
}

// shortID keeps the distinctive tail of a Mesos id ("...-S2", "...-0003") and
// the head of a UUID, so tables stay narrow; the full id is in the row key
// and in `y`.
func shortID(id string) string {
	if len(id) <= 14 {
		return id
	}
	if i := strings.LastIndexByte(id, '-'); i >= 0 && len(id)-i <= 6 {
		return "…" + id[i:]
	}
	return id[:8] + "…"
}

// dash returns "-" for "".
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clip cuts s to n runes with an ellipsis.
func clip(s string, n int) string {
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n == 1 {
		return "…"
	}
	return string(r[:n-1]) + "…"
}

// fmtCache memoises the formatting of numbers while one page is built: a
// cluster's tasks repeat the same few cpus, mem and age values, and formatting
// 10,000 of them anew costs more than the rest of the table. It belongs to one
// build on one goroutine.
type fmtCache struct {
	scalars map[float64]string
	mibs    map[float64]string
	ages    map[int64]string
}

func newFmtCache() *fmtCache {
	return &fmtCache{scalars: map[float64]string{}, mibs: map[float64]string{}, ages: map[int64]string{}}
}

func (c *fmtCache) scalar(v float64) string {
	if s, ok := c.scalars[v]; ok {
		return s
	}
	s := scalar(v)
	c.scalars[v] = s
	return s
}

func (c *fmtCache) mib(v float64) string {
	if s, ok := c.mibs[v]; ok {
		return s
	}
	s := mib(v)
	c.mibs[v] = s
	return s
}

// age formats d at the resolution age shows: whole seconds (ms below one).
func (c *fmtCache) age(d time.Duration) string {
	k := int64(d / time.Second)
	if d < time.Second {
		k = -int64(d / time.Millisecond)
	}
	if s, ok := c.ages[k]; ok {
		return s
	}
	s := age(d)
	c.ages[k] = s
	return s
}
