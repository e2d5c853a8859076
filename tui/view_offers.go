package tui

import (
	"fmt"

	"github.com/mesoscope/mesoscope/inspector"
)

func offersDef() viewDef {
	return viewDef{
		name: "offers", title: "Offers", aliases: []string{"of", "offer"}, top: true,
		about:    "outstanding offers with their age, the framework's declines and the role's offer filters",
		keys:     []keyHelp{{"w", "why is the offer's framework waiting"}},
		sortCol:  5,
		sortDesc: true,
		build:    buildOffers,
		drill: func(r *row) (page, bool) {
			o, ok := r.obj.(inspector.Offer)
			return page{view: vOffer, arg: o.ID, label: shortID(o.ID)}, ok
		},
		why: func(r *row) string {
			if o, ok := r.obj.(inspector.Offer); ok {
				return "framework:" + o.FrameworkID
			}
			return ""
		},
	}
}

var offerCols = []column{
	{title: "OFFER", key: 'O'},
	{title: "FRAMEWORK", key: 'F', max: 24},
	{title: "AGENT", key: 'A', max: 24},
	{title: "ROLE", key: 'R'},
	{title: "RESOURCES", key: 'E', max: 48},
	{title: "AGE", key: 'G', numeric: true},
	{title: "DECLINED", key: 'D', numeric: true},
	{title: "FILTERS", key: 'I', numeric: true, flex: true},
}

func buildOffers(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Offers")
	}
	m := in.m
	f := newFrame(p, "Offers")
	rows := make([]row, 0, len(m.snap.Offers))
	for _, o := range m.snap.Offers {
		rows = append(rows, offerRow(m, o))
	}
	f.setTable(in, p, in.reg.def(vOffers), offerCols, rows, false)
	f.info = []line{tonedLine("AGE counts from when the TUI first saw the offer (≥); DECLINED is the framework's offers/declined counter; FILTERS the role's active offer filters", toneMuted)}
	if len(rows) == 0 {
		f.empty = "no outstanding offers"
	}
	return f
}

func offerRow(m *model, o inspector.Offer) row {
	fwName := o.FrameworkID
	dec, decText := -1.0, "-"
	if fw, ok := m.ix.Framework(o.FrameworkID); ok {
		if fw.Name != "" {
			fwName = fw.Name
		}
		if d := declinedOffers(m.snap.Metrics, *fw); d >= 0 {
			dec, decText = d, scalar(d)
		}
	}
	host := o.Hostname
	if host == "" {
		if a, ok := m.ix.Agent(o.AgentID); ok {
			host = a.Hostname
		}
	}
	filters, fv := "-", -1.0
	if r, ok := m.ix.Role(o.Role); ok && r.OfferFilters >= 0 {
		filters, fv = itoa(r.OfferFilters), float64(r.OfferFilters)
	}
	ageText, ageVal := "-", -1.0
	if seen, ok := m.offerSeen[o.ID]; ok {
		d := m.now.Sub(seen)
		ageText, ageVal = "≥"+age(d), d.Seconds()
	}
	return row{key: o.ID, obj: o, cells: []cell{
		toned(shortID(o.ID), toneMuted),
		str(fwName),
		str(dash(host)),
		str(dash(o.Role)),
		str(o.Resources.Compact()),
		num(ageText, ageVal),
		num(decText, dec),
		num(filters, fv),
	}}
}

func offerDef() viewDef {
	return viewDef{
		name: "offer", title: "Offer", sortCol: -1,
		about: "one outstanding offer",
		build: func(in *viewInput, p *page) *frame {
			if !in.m.hasSnap() {
				return waitingFrame(in, p, "Offer")
			}
			f := newFrame(p, "Offer "+p.label)
			o, ok := in.m.ix.Offer(p.arg)
			if !ok {
				f.empty = fmt.Sprintf("offer %s is no longer outstanding (accepted, declined, rescinded or expired)", p.arg)
				return f
			}
			f.info = textLines(inspector.DescribeOffer(*o))
			if seen, ok := in.m.offerSeen[o.ID]; ok {
				f.info = append(f.info, plain("outstanding for at least "+age(in.m.now.Sub(seen))))
			}
			return f
		},
	}
}
