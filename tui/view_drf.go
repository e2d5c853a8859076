package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/inspector"
)

func drfDef() viewDef {
	return viewDef{
		name: "drf", title: "DRF", aliases: []string{"roles", "ro", "role", "alloc", "allocator"}, top: true,
		about:   "the role tree in DRF order: weight, quota, dominant share, allocation, frameworks, and the last allocation cycles",
		keys:    []keyHelp{{"w", "why is the role or framework waiting"}},
		sortCol: -1,
		need:    func(string) needs { return needs{cycles: true} },
		build:   buildDRF,
		drill: func(r *row) (page, bool) {
			switch o := r.obj.(type) {
			case inspector.Role:
				return page{view: vRole, arg: o.Name, label: o.Name}, true
			case inspector.Framework:
				return page{view: vFramework, arg: o.ID, label: o.Name}, true
			}
			return page{}, false
		},
		why: func(r *row) string {
			switch o := r.obj.(type) {
			case inspector.Role:
				return "role:" + o.Name
			case inspector.Framework:
				return "framework:" + o.ID
			}
			return ""
		},
	}
}

var drfCols = []column{
	{title: "ROLE", max: 36},
	{title: "#", numeric: true},
	{title: "WEIGHT", numeric: true},
	{title: "SHARE", bar: true},
	{title: "QUOTA", max: 30},
	{title: "CPU", numeric: true},
	{title: "MEM", numeric: true},
	{title: "DISK", numeric: true},
	{title: "GPU", numeric: true},
	{title: "FILTERS", numeric: true},
	{title: "FRAMEWORKS", numeric: true, flex: true},
}

// roleNode is a node of the role tree: roles are paths ("eng/web"), and a
// parent that has no role of its own (no weight, quota or framework) is implicit.
type roleNode struct {
	path     string
	role     *inspector.Role
	children []*roleNode
	share    float64
	measured bool
	alloc    inspector.Resources
}

// buildRoleTree arranges roles by path and orders siblings as the hierarchical
// DRF sorter does (src/master/allocator/mesos/sorter/drf/sorter.cpp
// DRFSorter::sort): by weighted dominant share, ties by name. A share comes
// from allocator/mesos/roles/<role>/shares/dominant when the master serves it,
// else it is estimated as max over cpus, mem, disk, gpus of allocated/total
// divided by the weight.
func buildRoleTree(snap *inspector.Snapshot) *roleNode {
	root := &roleNode{}
	nodes := map[string]*roleNode{"": root}
	var get func(path string) *roleNode
	get = func(path string) *roleNode {
		if n, ok := nodes[path]; ok {
			return n
		}
		n := &roleNode{path: path}
		nodes[path] = n
		parent := ""
		if i := strings.LastIndexByte(path, '/'); i >= 0 {
			parent = path[:i]
		}
		p := get(parent)
		p.children = append(p.children, n)
		return n
	}
	for i := range snap.Roles {
		r := &snap.Roles[i]
		if r.Name == "" {
			continue
		}
		get(r.Name).role = r
	}
	total := snap.Cluster.Total
	// From Mesos 1.9 a role's figures already cover its subtree; before, the
	// tree adds its children's.
	subtrees := snap.Cluster.RolesCoverSubtrees()
	var fill func(n *roleNode) inspector.Resources
	fill = func(n *roleNode) inspector.Resources {
		var sum inspector.Resources
		if n.role != nil {
			sum = n.role.Allocated.Add(n.role.Offered)
		}
		for _, c := range n.children {
			if sub := fill(c); n.role == nil || !subtrees {
				sum = sum.Add(sub)
			}
		}
		n.alloc = sum
		weight := 1.0
		if n.role != nil && n.role.Weight > 0 {
			weight = n.role.Weight
		}
		switch {
		case n.role != nil && n.role.ShareKnown:
			n.share, n.measured = n.role.DominantShare, true
		default:
			n.share = dominantShare(sum, total) / weight
		}
		slices.SortStableFunc(n.children, func(a, b *roleNode) int {
			if c := cmp.Compare(a.share, b.share); c != 0 {
				return c
			}
			return strings.Compare(a.path, b.path)
		})
		return sum
	}
	fill(root)
	return root
}

// dominantShare is max over the four scalars of used/total.
func dominantShare(used, total inspector.Resources) float64 {
	s := 0.0
	for _, p := range [][2]float64{{used.CPUs, total.CPUs}, {used.Mem, total.Mem}, {used.Disk, total.Disk}, {used.GPUs, total.GPUs}} {
		if p[1] > 0 {
			s = max(s, p[0]/p[1])
		}
	}
	return s
}

func buildDRF(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "DRF")
	}
	m := in.m
	f := newFrame(p, "DRF role tree")
	tree := buildRoleTree(m.snap)
	var latest *allocCycle
	if n := len(m.cycles); n > 0 {
		latest = &m.cycles[n-1]
	}
	var rows []row
	var order []string
	measured := true
	var walk func(n *roleNode, depth int)
	walk = func(n *roleNode, depth int) {
		for i, c := range n.children {
			rows = append(rows, roleRow(m, c, i+1, depth))
			if depth == 0 {
				order = append(order, fmt.Sprintf("%s %s", c.path, shareText(c.share, c.measured)))
			}
			measured = measured && c.measured
			if c.role != nil {
				rows = append(rows, roleFrameworkRows(m, c.role, latest, depth+1)...)
			}
			walk(c, depth+1)
		}
	}
	walk(tree, 0)
	source := "shares from the allocator's metrics (allocator/mesos/roles/<role>/shares/dominant)"
	if !measured {
		source = "shares marked ~ are estimated from allocation / cluster total (no allocator metric)"
	}
	f.info = []line{
		{{text: "DRF order: ", tone: toneAccent}, {text: dash(strings.Join(order, "  →  "))}},
		tonedLine(source, toneMuted),
		plain(""),
	}
	f.setTable(in, p, in.reg.def(vDRF), drfCols, rows, true)
	if len(rows) == 0 {
		f.empty = "no roles"
	}
	f.after = cycleLines(m, 3)
	return f
}

func shareText(s float64, measured bool) string {
	t := trimZero(fmt.Sprintf("%.4f", s))
	if !measured {
		t += "~"
	}
	return t
}

func quotaCell(r *inspector.Role) string {
	if r == nil || r.Quota.IsZero() {
		return "-"
	}
	q := "g " + r.Quota.GuaranteeText()
	if r.Quota.HasLimit() {
		q += " l " + r.Quota.LimitText()
	}
	return q
}

func roleRow(m *model, n *roleNode, rank, depth int) row {
	leaf := n.path
	if i := strings.LastIndexByte(leaf, '/'); i >= 0 {
		leaf = leaf[i+1:]
	}
	weight, wv, filters, fv, fws := "-", 0.0, "-", -1.0, 0
	var obj any = inspector.Role{Name: n.path, Weight: 1, OfferFilters: -1}
	if r := n.role; r != nil {
		weight, wv = scalar(r.Weight), r.Weight
		if r.OfferFilters >= 0 {
			filters, fv = itoa(r.OfferFilters), float64(r.OfferFilters)
		}
		fws = len(r.Frameworks)
		obj = *r
	} else {
		leaf += " (implicit)"
	}
	a := n.alloc
	return row{key: "role:" + n.path, obj: obj, depth: depth, cells: []cell{
		toned(leaf, toneAccent),
		intCell(rank),
		num(weight, wv),
		barCell(min(n.share, 1), 1, shareText(n.share, n.measured)),
		str(quotaCell(n.role)),
		num(scalar(a.CPUs), a.CPUs),
		num(mib(a.Mem), a.Mem),
		num(mib(a.Disk), a.Disk),
		num(scalar(a.GPUs), a.GPUs),
		num(filters, fv),
		intCell(fws),
	}}
}

// roleFrameworkRows lists a role's frameworks under it, in the role's DRF
// order from the latest cycle when there is one.
func roleFrameworkRows(m *model, r *inspector.Role, latest *allocCycle, depth int) []row {
	type fwEntry struct {
		fw    *inspector.Framework
		rank  int
		share float64
		known bool
	}
	var list []fwEntry
	for _, id := range r.Frameworks {
		fw, ok := m.ix.Framework(id)
		if !ok {
			continue
		}
		e := fwEntry{fw: fw, rank: -1}
		if latest != nil {
			for _, fc := range latest.Frameworks {
				if fc.FrameworkID == id && fc.Role == r.Name {
					e.rank, e.share, e.known = fc.Rank, fc.Share, true
				}
			}
		}
		list = append(list, e)
	}
	slices.SortStableFunc(list, func(a, b fwEntry) int {
		ar, br := a.rank, b.rank
		if ar < 0 {
			ar = 1 << 30
		}
		if br < 0 {
			br = 1 << 30
		}
		if c := cmp.Compare(ar, br); c != 0 {
			return c
		}
		return strings.Compare(a.fw.Name, b.fw.Name)
	})
	rows := make([]row, 0, len(list))
	for _, e := range list {
		fw := e.fw
		rank, rv := "-", -1.0
		share := barCell(0, 1, "-")
		if e.known {
			if e.rank >= 0 {
				rank, rv = itoa(e.rank+1), float64(e.rank+1)
			}
			share = barCell(min(e.share, 1), 1, trimZero(fmt.Sprintf("%.4f", e.share)))
		}
		used := fw.Used
		st := frameworkState(*fw)
		if slices.Contains(fw.SuppressedRoles, r.Name) {
			st = "suppressed"
		}
		cells := []cell{
			str(fw.Name),
			num(rank, rv),
			str(""),
			share,
			str(""),
			num(scalar(used.CPUs), used.CPUs),
			num(mib(used.Mem), used.Mem),
			num(mib(used.Disk), used.Disk),
			num(scalar(used.GPUs), used.GPUs),
			str(""),
			state(st),
		}
		if len(fw.Roles) > 1 {
			for i := 5; i <= 8; i++ {
				cells[i] = toned("multi", toneMuted)
			}
		}
		rows = append(rows, row{key: "fw:" + r.Name + "/" + fw.ID, obj: *fw, depth: depth, cells: cells})
	}
	return rows
}

// cycleLines renders the newest n allocation cycles, newest first.
func cycleLines(m *model, n int) []line {
	if m.snap != nil && !m.snap.Mesoscope {
		return []line{tonedLine("allocation cycles: this master does not serve /mesoscope/v1/allocator (real Mesos); the order above is from /metrics/snapshot", toneMuted)}
	}
	if m.cyclesErr != "" {
		return []line{tonedLine("allocation cycles: "+m.cyclesErr, toneWarn)}
	}
	if len(m.cycles) == 0 {
		return []line{tonedLine("allocation cycles: none recorded yet", toneMuted)}
	}
	out := []line{{{text: "Last allocation cycles", tone: toneAccent}, {text: " (newest first, /mesoscope/v1/allocator)", tone: toneMuted}}}
	names := map[string]string{}
	if m.ix != nil {
		for _, fw := range m.snap.Frameworks {
			names[fw.ID] = fw.Name
		}
	}
	for i := len(m.cycles) - 1; i >= 0 && i >= len(m.cycles)-n; i-- {
		c := &m.cycles[i]
		head := fmt.Sprintf("#%d %s took %s, %d agents, %d offers", c.Seq, c.Time.UTC().Format("15:04:05.000"), latency(c.Duration), c.Candidates, c.Offers)
		if c.HeldBack != "" {
			head += ", held back for quota " + c.HeldBack
		}
		out = append(out, line{{text: head, tone: toneHeader}})
		var order []string
		for _, r := range c.Roles {
			order = append(order, fmt.Sprintf("%s %s", r.Role, trimZero(fmt.Sprintf("%.4f", r.Share))))
		}
		out = append(out, plain("  order: "+dash(strings.Join(order, " → "))))
		fws := slices.Clone(c.Frameworks)
		slices.SortStableFunc(fws, func(a, b cycleFw) int {
			if c := strings.Compare(a.Role, b.Role); c != 0 {
				return c
			}
			return cmp.Compare(a.Rank, b.Rank)
		})
		for _, fc := range fws {
			name := names[fc.FrameworkID]
			if name == "" {
				name = shortID(fc.FrameworkID)
			}
			decision := "not offered"
			t := toneMuted
			if fc.Offered != "" {
				decision, t = "offered "+fc.Offered, toneOK
			}
			rank := "-"
			if fc.Rank >= 0 {
				rank = itoa(fc.Rank + 1)
			}
			out = append(out, line{
				{text: fmt.Sprintf("  %-20s %-10s #%-3s share %-7s ", clip(name, 20), clip(fc.Role, 10), rank, trimZero(fmt.Sprintf("%.4f", fc.Share)))},
				{text: decision, tone: t},
				{text: "  (" + countsText(fc.Counts) + ")", tone: toneMuted},
			})
		}
	}
	return out
}

func roleDef() viewDef {
	return viewDef{
		name: "role", title: "Role", sortCol: 0,
		about: "one role: share, quota, allocation and its frameworks",
		keys:  []keyHelp{{"w", "why is this role waiting"}},
		build: buildRole,
		drill: frameworksDef().drill,
		why:   frameworksDef().why,
	}
}

func buildRole(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Role")
	}
	m := in.m
	r, ok := m.ix.Role(p.arg)
	f := newFrame(p, "Role "+p.arg+" frameworks")
	if !ok {
		f.empty = fmt.Sprintf("role %s is not known to the master", p.arg)
		return f
	}
	f.info = append(textLines(inspector.DescribeRole(*r)), plain(""))
	var rows []row
	for _, id := range r.Frameworks {
		if fw, ok := m.ix.Framework(id); ok {
			rows = append(rows, frameworkRow(m, *fw))
		}
	}
	f.setTable(in, p, in.reg.def(vRole), frameworkCols, rows, false)
	if len(rows) == 0 {
		f.empty = "no frameworks in this role"
	}
	return f
}
