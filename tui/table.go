package tui

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/mattn/go-runewidth"
)

// column describes one column of a view's table.
type column struct {
	title string
	// key is the sort hotkey: Shift plus this letter sorts by the column
	// (k9s's per-column mnemonics); 0 means the column has none.
	key rune
	// numeric columns sort by cell.num and are right-aligned.
	numeric bool
	// bar columns draw cell.bar as a gauge followed by the text.
	bar bool
	// max bounds the column's width (0: no bound); flex columns take what is
	// left of the screen's width and are cut first when it is short.
	max  int
	flex bool
}

// barValue is a gauge: used out of total.
type barValue struct {
	used, total float64
}

// cell is one table cell: its text, its sort value and its tone.
type cell struct {
	text string
	num  float64
	tone tone
	bar  *barValue
	// wf places a waterfall bar: start and end as fractions of the column.
	wf *[2]float64
}

// row is one table row. key identifies the row across refreshes (the selection
// follows it); obj is the view model copied by `y`.
type row struct {
	key   string
	cells []cell
	obj   any
	// depth indents tree rows (the DRF role tree, span waterfalls).
	depth int
}

// tableData is a view's table as prepared off the UI goroutine: filtered,
// sorted, with natural column widths measured over every row.
type tableData struct {
	cols []column
	rows []row
	// total counts the rows before filtering.
	total int
	// sortCol is the sorted column, -1 for the view's own order (trees).
	sortCol  int
	sortDesc bool
	// widths are the natural widths: the widest cell (or title) per column.
	widths []int
	// tree tables keep their order; sorting is off.
	tree bool
}

// str is a text cell.
func str(s string) cell { return cell{text: s} }

// toned is a text cell with a tone.
func toned(s string, t tone) cell { return cell{text: s, tone: t} }

// state is a state word with its tone.
func state(s string) cell { return cell{text: s, tone: stateTone(s)} }

// num is a numeric cell shown as text and sorted by v.
func num(text string, v float64) cell { return cell{text: text, num: v} }

// intCell is an integer cell.
func intCell(n int) cell { return cell{text: itoa(n), num: float64(n)} }

// barCell is a gauge cell sorted by the used fraction.
func barCell(used, total float64, text string) cell {
	f := 0.0
	if total > 0 {
		f = used / total
	}
	return cell{text: text, num: f, bar: &barValue{used: used, total: total}}
}

// rowMatches reports whether r matches f: its key or one of its cells alone (so
// anchors work: /FAILED$ finds a TASK_FAILED state), or the whole row as one line
// (so a pattern may span cells: /web.*RUNNING). "!" keeps the rows that do not.
func rowMatches(r *row, f *filter) bool {
	if f == nil {
		return true
	}
	hit := f.hit(r.key)
	var b strings.Builder
	b.WriteString(r.key)
	for _, c := range r.cells {
		hit = hit || f.hit(c.text)
		b.WriteByte(' ')
		b.WriteString(c.text)
	}
	hit = hit || f.hit(b.String())
	return hit != f.invert
}

// finish filters, sorts and measures rows into a tableData. sortCol < 0 or a
// tree table keeps the given order; else rows are sorted by the column, ties
// broken by key so the order never flickers between refreshes.
func finish(cols []column, rows []row, f *filter, sortCol int, desc, tree bool) *tableData {
	t := &tableData{cols: cols, total: len(rows), sortCol: sortCol, sortDesc: desc, tree: tree}
	if f != nil {
		kept := make([]row, 0, len(rows))
		for i := range rows {
			if rowMatches(&rows[i], f) {
				kept = append(kept, rows[i])
			}
		}
		rows = kept
	}
	if tree || sortCol < 0 || sortCol >= len(cols) {
		t.sortCol = -1
	} else {
		numeric := cols[sortCol].numeric || cols[sortCol].bar
		// Keys are unique, so breaking ties by key makes the order total:
		// no stable sort needed, and no flicker between refreshes.
		// Sort a permutation, not the rows: swapping 4-byte indexes is
		// cheaper than swapping 56-byte rows.
		perm := make([]int32, len(rows))
		for i := range perm {
			perm[i] = int32(i)
		}
		slices.SortFunc(perm, func(i, j int32) int {
			a, b := &rows[i], &rows[j]
			var c int
			if numeric {
				c = cmpFloat(a.cells[sortCol].num, b.cells[sortCol].num)
			} else {
				c = strings.Compare(a.cells[sortCol].text, b.cells[sortCol].text)
			}
			if desc {
				c = -c
			}
			if c == 0 {
				c = strings.Compare(a.key, b.key)
			}
			return c
		})
		sorted := make([]row, len(rows))
		for i, p := range perm {
			sorted[i] = rows[p]
		}
		rows = sorted
	}
	t.rows = rows
	t.widths = make([]int, len(cols))
	for i, c := range cols {
		t.widths[i] = textWidth(c.title) + 1 // room for the sort arrow
	}
	for i := range rows {
		r := &rows[i]
		for j := range r.cells {
			if j >= len(cols) {
				break
			}
			w := textWidth(r.cells[j].text)
			if j == 0 {
				w += 2 * r.depth
			}
			if r.cells[j].bar != nil {
				w += barWidth + 1
			}
			if w > t.widths[j] {
				t.widths[j] = w
			}
		}
	}
	for i, c := range cols {
		if c.max > 0 && t.widths[i] > c.max {
			t.widths[i] = c.max
		}
	}
	return t
}

// textWidth is the width of s in cells: its length when it is ASCII, as
// nearly every cell is (runewidth's grapheme walk costs ~50× more).
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return runewidth.StringWidth(s)
		}
	}
	return len(s)
}

// barWidth is the width of a gauge in a table cell.
const barWidth = 10

func cmpFloat(a, b float64) int {
	switch {
	case math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a):
		return -1
	case math.IsNaN(b):
		return 1
	}
	return cmp.Compare(a, b)
}

// index returns the position of the row with key, or -1.
func (t *tableData) index(key string) int {
	if t == nil {
		return -1
	}
	for i := range t.rows {
		if t.rows[i].key == key {
			return i
		}
	}
	return -1
}

// fitWidths fits natural widths into width: a one-space gap between columns;
// flex columns, then the widest ones, give up space down to a minimum of 4.
func fitWidths(cols []column, natural []int, width int) []int {
	out := slices.Clone(natural)
	if len(out) == 0 {
		return out
	}
	sum := func() int {
		s := len(out) - 1
		for _, w := range out {
			s += w
		}
		return s
	}
	const minW = 4
	for over := sum() - width; over > 0; over = sum() - width {
		// Shrink a flex column first, else the widest.
		best := -1
		for i, c := range cols {
			if c.flex && out[i] > minW && (best < 0 || out[i] > out[best]) {
				best = i
			}
		}
		if best < 0 {
			for i := range out {
				if out[i] > minW && (best < 0 || out[i] > out[best]) {
					best = i
				}
			}
		}
		if best < 0 {
			break
		}
		cut := min(over, out[best]-minW)
		out[best] -= cut
	}
	// Give spare room to the last flex text column so long text shows
	// whole (a right-aligned number would only drift away).
	if spare := width - sum(); spare > 0 {
		for i := len(cols) - 1; i >= 0; i-- {
			if cols[i].flex && !cols[i].numeric {
				out[i] += spare
				break
			}
		}
	}
	return out
}

// parallelRows is the table size from which buildRows splits the work.
const parallelRows = 4096

// buildRows builds n rows of ncols cells with fill, which must only read
// shared data. The cells share one allocation. Tables of parallelRows rows
// or more are built in up to GOMAXPROCS (at most 4) parts at once, each with
// its own fmtCache; this is the renderer's goroutine's own work, joined
// before it returns.
func buildRows(n, ncols int, fill func(fc *fmtCache, i int, cells []cell) row) []row {
	rows := make([]row, n)
	cells := make([]cell, n*ncols)
	part := func(lo, hi int) {
		fc := newFmtCache()
		for i := lo; i < hi; i++ {
			rows[i] = fill(fc, i, cells[i*ncols:(i+1)*ncols:(i+1)*ncols])
		}
	}
	workers := min(runtime.GOMAXPROCS(0), 4)
	if n < parallelRows || workers < 2 {
		part(0, n)
		return rows
	}
	var wg sync.WaitGroup
	step := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += step {
		wg.Go(func() { part(lo, min(lo+step, n)) })
	}
	wg.Wait()
	return rows
}
