package scheduler

import (
	"strconv"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// DescribeEvent renders a scheduler event in one canonical, deterministic
// form (see mesos.DescribeTaskStatus); OFFERS renders one line per offer
// under a header line:
//
//	SUBSCRIBED framework fw-1 heartbeat=15s
//	OFFERS 2
//	  offer o-1 agent a-1 (host1) → web: cpus:2; mem:1024
//	  offer o-2 agent a-2 (host2) → web: cpus:4; mem:2048
//	UPDATE task t-1 TASK_RUNNING (SOURCE_EXECUTOR) agent a-1
func DescribeEvent(e *Event) string {
	var b strings.Builder
	b.WriteString(e.Type.String())
	switch e.Type {
	case EventSubscribed:
		if s := e.Subscribed; s != nil {
			b.WriteString(" framework ")
			b.WriteString(s.FrameworkID.Value)
			if s.HeartbeatIntervalSeconds != nil {
				b.WriteString(" heartbeat=")
				b.WriteString(strconv.FormatFloat(*s.HeartbeatIntervalSeconds, 'f', -1, 64))
				b.WriteByte('s')
			}
			if s.MasterInfo != nil {
				b.WriteString(" master ")
				b.WriteString(s.MasterInfo.ID)
			}
		}
	case EventOffers:
		if e.Offers != nil {
			b.WriteByte(' ')
			b.WriteString(strconv.Itoa(len(e.Offers.Offers)))
			for i := range e.Offers.Offers {
				b.WriteString("\n  ")
				b.WriteString(mesos.DescribeOffer(&e.Offers.Offers[i]))
			}
		}
	case EventInverseOffers:
		if e.InverseOffers != nil {
			b.WriteByte(' ')
			b.WriteString(strconv.Itoa(len(e.InverseOffers.InverseOffers)))
			for _, o := range e.InverseOffers.InverseOffers {
				b.WriteString("\n  inverse offer ")
				b.WriteString(o.ID.Value)
				if o.AgentID != nil {
					b.WriteString(" agent ")
					b.WriteString(o.AgentID.Value)
				}
			}
		}
	case EventRescind:
		if e.Rescind != nil {
			b.WriteString(" offer ")
			b.WriteString(e.Rescind.OfferID.Value)
		}
	case EventRescindInverseOffer:
		if e.RescindInverseOffer != nil {
			b.WriteString(" inverse offer ")
			b.WriteString(e.RescindInverseOffer.InverseOfferID.Value)
		}
	case EventUpdate:
		if e.Update != nil {
			b.WriteByte(' ')
			b.WriteString(mesos.DescribeTaskStatus(&e.Update.Status))
		}
	case EventUpdateOperationStatus:
		if u := e.UpdateOperationStatus; u != nil {
			b.WriteString(" operation ")
			if u.Status.OperationID != nil {
				b.WriteString(u.Status.OperationID.Value)
			} else {
				b.WriteString("(none)")
			}
			b.WriteByte(' ')
			b.WriteString(u.Status.State.String())
			if u.Status.Message != "" {
				b.WriteString(": ")
				b.WriteString(strconv.Quote(u.Status.Message))
			}
		}
	case EventMessage:
		if m := e.Message; m != nil {
			b.WriteString(" agent ")
			b.WriteString(m.AgentID.Value)
			b.WriteString(" executor ")
			b.WriteString(m.ExecutorID.Value)
			b.WriteString(" ")
			b.WriteString(strconv.Itoa(len(m.Data)))
			b.WriteString(" bytes")
		}
	case EventFailure:
		if f := e.Failure; f != nil {
			if f.AgentID != nil {
				b.WriteString(" agent ")
				b.WriteString(f.AgentID.Value)
			}
			if f.ExecutorID != nil {
				b.WriteString(" executor ")
				b.WriteString(f.ExecutorID.Value)
			}
			if f.Status != nil {
				b.WriteString(" status ")
				b.WriteString(strconv.Itoa(int(*f.Status)))
			}
		}
	case EventError:
		if e.Error != nil {
			b.WriteString(": ")
			b.WriteString(strconv.Quote(e.Error.Message))
		}
	}
	return b.String()
}
