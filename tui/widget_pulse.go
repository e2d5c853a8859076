package tui

import (
	"github.com/gdamore/tcell/v2"
	"github.com/mattn/go-runewidth"
)

// pulseWidget draws the Pulse tiles in a grid, k9s-Pulses style: two columns
// when the screen is wide enough, one otherwise. Tab moves between tiles and
// Enter opens the focused tile's list.
type pulseWidget struct {
	th    *theme
	data  *pulseData
	focus int
	// rects of the tiles at the last draw, for the mouse.
	rects [][4]int
}

func (p *pulseWidget) setData(d *pulseData) {
	p.data = d
	if d != nil {
		p.focus = min(max(p.focus, 0), max(len(d.tiles)-1, 0))
	}
}

func (p *pulseWidget) next(dir int) {
	if p.data == nil || len(p.data.tiles) == 0 {
		return
	}
	n := len(p.data.tiles)
	p.focus = ((p.focus+dir)%n + n) % n
}

// target is the view the focused tile opens.
func (p *pulseWidget) target() (viewID, bool) {
	if p.data == nil || p.focus >= len(p.data.tiles) {
		return 0, false
	}
	return p.data.tiles[p.focus].target, true
}

// click focuses the tile under (x, y).
func (p *pulseWidget) click(x, y int) bool {
	for i, r := range p.rects {
		if x >= r[0] && x < r[0]+r[2] && y >= r[1] && y < r[1]+r[3] {
			p.focus = i
			return true
		}
	}
	return false
}

func (p *pulseWidget) draw(scr tcell.Screen, x, y, w, h int) {
	p.rects = p.rects[:0]
	if p.data == nil || w < 20 || h < 3 {
		return
	}
	cols := 1
	if w >= 100 {
		cols = 2
	}
	tw := (w - (cols - 1)) / cols
	cy := y
	for i := 0; i < len(p.data.tiles); i += cols {
		rowH := 0
		for j := 0; j < cols && i+j < len(p.data.tiles); j++ {
			rowH = max(rowH, len(p.data.tiles[i+j].items)+2)
		}
		if cy+rowH > y+h {
			rowH = y + h - cy
		}
		if rowH < 3 {
			break
		}
		for j := 0; j < cols && i+j < len(p.data.tiles); j++ {
			tx := x + j*(tw+1)
			p.drawTile(scr, &p.data.tiles[i+j], tx, cy, tw, rowH, i+j == p.focus)
			p.rects = append(p.rects, [4]int{tx, cy, tw, rowH})
		}
		cy += rowH
	}
}

func (p *pulseWidget) drawTile(scr tcell.Screen, t *tile, x, y, w, h int, focused bool) {
	border := p.th.style(toneMuted)
	if focused {
		border = p.th.style(toneAccent)
	}
	box(scr, x, y, w, h, border)
	title := " " + t.title + " "
	drawText(scr, x+2, y, w-4, title, p.th.style(toneAccent))
	labelW := 0
	for _, it := range t.items {
		labelW = max(labelW, runewidth.StringWidth(it.label))
	}
	inner := w - 4
	for i, it := range t.items {
		ly := y + 1 + i
		if ly >= y+h-1 {
			break
		}
		cx := x + 2
		drawText(scr, cx, ly, labelW, it.label, p.th.style(toneHeader))
		cx += labelW + 1
		rest := inner - labelW - 1
		sparkW := 0
		if len(it.spark) > 1 && rest >= 40 {
			sparkW = min(len(it.spark), rest/4)
		}
		if it.bar != nil && rest >= 24 {
			bw := min(20, rest/3)
			gauge(scr, p.th, cx, ly, bw, it.bar.used, it.bar.total, it.tone)
			cx += bw + 1
			rest -= bw + 1
		}
		textW := rest - sparkW
		if sparkW > 0 {
			textW--
		}
		drawText(scr, cx, ly, textW, it.text, p.th.style(it.tone))
		if sparkW > 0 {
			sparkline(scr, p.th, x+w-2-sparkW, ly, sparkW, it.spark)
		}
	}
}

// box draws a single-line border.
func box(scr tcell.Screen, x, y, w, h int, st tcell.Style) {
	if w < 2 || h < 2 {
		return
	}
	for i := 1; i < w-1; i++ {
		scr.SetContent(x+i, y, '─', nil, st)
		scr.SetContent(x+i, y+h-1, '─', nil, st)
	}
	for j := 1; j < h-1; j++ {
		scr.SetContent(x, y+j, '│', nil, st)
		scr.SetContent(x+w-1, y+j, '│', nil, st)
	}
	scr.SetContent(x, y, '┌', nil, st)
	scr.SetContent(x+w-1, y, '┐', nil, st)
	scr.SetContent(x, y+h-1, '└', nil, st)
	scr.SetContent(x+w-1, y+h-1, '┘', nil, st)
}
