package observe

import (
	"fmt"
	"testing"
)

type rec struct {
	name  string
	needs Needs
	log   *[]string
}

func (r rec) Needs() Needs { return r.needs }
func (r rec) DispatchBegin(d *Dispatch) {
	*r.log = append(*r.log, r.name+" begin")
	d.Span = r.name + "-span"
}
func (r rec) DispatchEnd(d *Dispatch) {
	*r.log = append(*r.log, fmt.Sprintf("%s end %v", r.name, d.Span))
}
func (r rec) MessageSend(p *Dispatch, m *Message) {
	if p == nil {
		*r.log = append(*r.log, r.name+" send from outside")
		return
	}
	*r.log = append(*r.log, fmt.Sprintf("%s send parent=%v", r.name, p.Span))
}
func (r rec) Event(p *Dispatch, e Event) {
	*r.log = append(*r.log, fmt.Sprintf("%s event %s parent=%v", r.name, e.Type, p.Span))
}

func TestMulti(t *testing.T) {
	if Multi() != nil || Multi(nil, nil) != nil {
		t.Fatal("Multi of nothing is not nil")
	}
	var log []string
	a := rec{"a", NeedAll, &log}
	if got := Multi(nil, a); got != Observer(a) {
		t.Errorf("Multi of one observer = %v, want it unwrapped", got)
	}
	b := rec{"b", NeedEvents, &log}
	m := Multi(a, b)
	if m.Needs() != NeedAll {
		t.Errorf("Needs = %v, want NeedAll", m.Needs())
	}
	d := &Dispatch{}
	m.DispatchBegin(d)
	m.MessageSend(d, &Message{})
	m.Event(d, Event{Type: "offer"})
	m.DispatchEnd(d)
	c := rec{"c", NeedMessages, &log}
	Multi(a, c).MessageSend(nil, &Message{}) // only a asked for sends from outside
	want := []string{
		"a begin",
		"a send parent=a-span",
		"a event offer parent=a-span",
		"b event offer parent=<nil>",
		"a end a-span",
		"a send from outside",
	}
	if fmt.Sprint(log) != fmt.Sprint(want) {
		t.Errorf("log = %v\nwant %v", log, want)
	}
}

func TestMultiHeaderDispatch(t *testing.T) {
	var log []string
	a := rec{"a", NeedDispatch, &log}
	h := rec{"h", NeedHeaderDispatch, &log}
	m := Multi(a, h)
	for _, hdr := range []Header{nil, {"traceparent": "x"}} {
		d := &Dispatch{Header: hdr}
		m.DispatchBegin(d)
		m.DispatchEnd(d)
	}
	want := []string{
		"a begin", "a end a-span", // no header: only a
		"a begin", "h begin", "a end a-span", "h end h-span",
	}
	if fmt.Sprint(log) != fmt.Sprint(want) {
		t.Errorf("log = %v\nwant %v", log, want)
	}
	if !m.Needs().Dispatches(nil) || Needs(NeedHeaderDispatch).Dispatches(nil) || !Needs(NeedHeaderDispatch).Dispatches(Header{}) {
		t.Errorf("Dispatches: NeedDispatch wants every event, NeedHeaderDispatch those with a header")
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{KindMessage: "MESSAGE", KindDispatch: "DISPATCH", KindHTTP: "HTTP", KindExited: "EXITED", KindTerminate: "TERMINATE", 9: "UNKNOWN"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

func TestQueueWait(t *testing.T) {
	tests := []struct {
		d    Dispatch
		want int64
	}{
		{Dispatch{Enqueued: 100, Begin: 250}, 150},
		{Dispatch{}, 0},
		{Dispatch{Enqueued: 300, Begin: 200}, 0},
	}
	for _, tc := range tests {
		if got := tc.d.QueueWait(); got != tc.want {
			t.Errorf("QueueWait(%+v) = %d, want %d", tc.d, got, tc.want)
		}
	}
}
