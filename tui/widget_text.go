package tui

import (
	"github.com/gdamore/tcell/v2"
	"github.com/mattn/go-runewidth"
)

// textWidget draws lines with vertical scrolling (help, Why, describe pages),
// wrapping lines wider than the screen at spaces.
type textWidget struct {
	th     *theme
	src    []line
	lines  []line // src wrapped to width
	width  int
	off    int
	height int
}

func (t *textWidget) setLines(ls []line) {
	t.src = ls
	t.width = -1
	t.lines = ls
	t.clamp()
}

func (t *textWidget) clamp() {
	t.off = min(max(t.off, 0), max(len(t.lines)-t.height, 0))
}

func (t *textWidget) move(delta int) { t.off += delta; t.clamp() }
func (t *textWidget) page(dir int)   { t.move(dir * max(t.height-1, 1)) }
func (t *textWidget) home()          { t.off = 0 }
func (t *textWidget) end()           { t.off = len(t.lines); t.clamp() }

func (t *textWidget) draw(scr tcell.Screen, x, y, w, h int) {
	if w != t.width {
		t.width = w
		t.lines = t.lines[:0:0]
		for _, l := range t.src {
			t.lines = append(t.lines, wrapLine(l, w)...)
		}
	}
	t.height = h
	t.clamp()
	for i := 0; i < h && t.off+i < len(t.lines); i++ {
		drawLine(scr, t.th, x, y+i, w, t.lines[t.off+i])
	}
	if t.off+h < len(t.lines) && w > 1 && h > 0 {
		scr.SetContent(x+w-1, y+h-1, '↓', nil, t.th.style(toneMuted))
	}
}

// wrapLine splits a styled line into lines of at most w cells, breaking after
// the last space that fits (or anywhere in a word longer than w). Wrapped
// parts are indented by two spaces.
func wrapLine(l line, w int) []line {
	if w < 8 || runewidth.StringWidth(l.String()) <= w {
		return []line{l}
	}
	type rc struct {
		r rune
		t tone
	}
	var cells []rc
	for _, s := range l {
		for _, r := range s.text {
			cells = append(cells, rc{r, s.tone})
		}
	}
	var out []line
	indent := 0
	for len(cells) > 0 {
		avail := w - indent
		n, width, lastSpace := 0, 0, -1
		for n < len(cells) {
			rw := runewidth.RuneWidth(cells[n].r)
			if width+rw > avail {
				break
			}
			if cells[n].r == ' ' {
				lastSpace = n
			}
			width += rw
			n++
		}
		if n < len(cells) && lastSpace > 0 {
			n = lastSpace + 1
		}
		n = max(n, 1)
		var nl line
		if indent > 0 {
			nl = append(nl, seg{text: "  "})
		}
		for i := 0; i < n; {
			j := i
			for j < n && cells[j].t == cells[i].t {
				j++
			}
			rs := make([]rune, 0, j-i)
			for _, c := range cells[i:j] {
				rs = append(rs, c.r)
			}
			nl = append(nl, seg{text: string(rs), tone: cells[i].t})
			i = j
		}
		out = append(out, nl)
		cells = cells[n:]
		indent = 2
	}
	return out
}
