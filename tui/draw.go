package tui

import (
	"github.com/gdamore/tcell/v2"
	"github.com/mattn/go-runewidth"
)

// drawText writes s at (x, y) within maxW cells and returns the cells used. A
// string that does not fit ends in "…".
func drawText(scr tcell.Screen, x, y, maxW int, s string, st tcell.Style) int {
	if maxW <= 0 {
		return 0
	}
	w := textWidth(s)
	cut := w > maxW
	used := 0
	for _, r := range s {
		rw := runewidth.RuneWidth(r)
		if r < ' ' {
			r, rw = ' ', 1
		}
		if rw == 0 {
			continue
		}
		if cut && used+rw > maxW-1 {
			break
		}
		if used+rw > maxW {
			break
		}
		scr.SetContent(x+used, y, r, nil, st)
		used += rw
	}
	if cut && used < maxW {
		scr.SetContent(x+used, y, '…', nil, st)
		used++
	}
	return used
}

// fill paints n cells with r.
func fill(scr tcell.Screen, x, y, n int, r rune, st tcell.Style) {
	for i := range n {
		scr.SetContent(x+i, y, r, nil, st)
	}
}

// drawLine writes a styled line and returns the cells used.
func drawLine(scr tcell.Screen, th *theme, x, y, maxW int, l line) int {
	used := 0
	for _, s := range l {
		if used >= maxW {
			break
		}
		used += drawText(scr, x+used, y, maxW-used, s.text, th.style(s.tone))
	}
	return used
}

// gauge draws a bar of width w filled in proportion used/total: "████░░░░",
// in the bar tone (or t when it warns), on muted empty cells.
func gauge(scr tcell.Screen, th *theme, x, y, w int, used, total float64, t tone) {
	fillStyle := th.style(toneBar)
	if t == toneWarn || t == toneBad {
		fillStyle = th.style(t)
	}
	gaugeStyled(scr, x, y, w, used, total, fillStyle, th.style(toneMuted))
}

// gaugeStyled draws a gauge in the given styles.
func gaugeStyled(scr tcell.Screen, x, y, w int, used, total float64, fillStyle, emptyStyle tcell.Style) {
	if w <= 0 {
		return
	}
	frac := 0.0
	if total > 0 {
		frac = min(max(used/total, 0), 1)
	}
	// Eighth blocks give the bar sub-cell resolution.
	eighths := int(frac*float64(w*8) + 0.5)
	for i := range w {
		n := eighths - i*8
		switch {
		case n >= 8:
			scr.SetContent(x+i, y, '█', nil, fillStyle)
		case n > 0:
			// U+258F "▏" is one eighth, down to U+2589 "▉", seven.
			scr.SetContent(x+i, y, rune(0x2590-n), nil, fillStyle)
		default:
			scr.SetContent(x+i, y, '░', nil, emptyStyle)
		}
	}
}

// sparkline draws the last w values of vs scaled between their min and max.
func sparkline(scr tcell.Screen, th *theme, x, y, w int, vs []float64) {
	if w <= 0 || len(vs) == 0 {
		return
	}
	if len(vs) > w {
		vs = vs[len(vs)-w:]
	}
	lo, hi := vs[0], vs[0]
	for _, v := range vs {
		lo, hi = min(lo, v), max(hi, v)
	}
	st := th.style(toneBar)
	for i, v := range vs {
		k := 0
		if hi > lo {
			k = int((v - lo) / (hi - lo) * 7)
		}
		// U+2581 "▁" to U+2588 "█": the eight heights of a sparkline.
		scr.SetContent(x+i, y, rune(0x2581+k), nil, st)
	}
}
