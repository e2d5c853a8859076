package observe

// Multi returns an Observer that forwards each hook to every observer in os that asked for
// it. Nil entries are skipped; with no observers left it returns nil, so the runtime keeps
// its zero-cost path.
func Multi(os ...Observer) Observer {
	var m multi
	for _, o := range os {
		if o == nil {
			continue
		}
		m.obs = append(m.obs, o)
		n := o.Needs()
		m.needs |= n
		m.each = append(m.each, n)
	}
	switch len(m.obs) {
	case 0:
		return nil
	case 1:
		return m.obs[0]
	}
	return &m
}

type multi struct {
	obs   []Observer
	each  []Needs
	needs Needs
}

func (m *multi) Needs() Needs { return m.needs }

// spanSlots holds each observer's own Span value while a dispatch is in flight.
type spanSlots []any

func (m *multi) DispatchBegin(d *Dispatch) {
	slots := make(spanSlots, len(m.obs))
	for i, o := range m.obs {
		if !m.each[i].Dispatches(d.Header) {
			continue
		}
		d.Span = nil
		o.DispatchBegin(d)
		slots[i] = d.Span
	}
	d.Span = slots
}

func (m *multi) DispatchEnd(d *Dispatch) {
	slots, _ := d.Span.(spanSlots)
	for i, o := range m.obs {
		if !m.each[i].Dispatches(d.Header) {
			continue
		}
		if i < len(slots) {
			d.Span = slots[i]
		}
		o.DispatchEnd(d)
	}
	d.Span = slots
}

// MessageSend and Event hand each observer the parent dispatch with its own Span in place,
// and restore the slots afterwards.
func (m *multi) MessageSend(parent *Dispatch, msg *Message) {
	need := NeedMessages
	if parent == nil {
		need |= NeedOutsideSends // only those that asked see sends from outside
	}
	m.forEach(parent, need, func(o Observer) { o.MessageSend(parent, msg) })
}

func (m *multi) Event(parent *Dispatch, e Event) {
	m.forEach(parent, NeedEvents, func(o Observer) { o.Event(parent, e) })
}

func (m *multi) forEach(parent *Dispatch, need Needs, f func(Observer)) {
	var slots spanSlots
	if parent != nil {
		slots, _ = parent.Span.(spanSlots)
	}
	for i, o := range m.obs {
		if !m.each[i].Has(need) {
			continue
		}
		if parent != nil && i < len(slots) {
			parent.Span = slots[i]
		}
		f(o)
	}
	if parent != nil && slots != nil {
		parent.Span = slots
	}
}
