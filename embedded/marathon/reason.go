package marathon

// Reason is why an offer did not match an app (NoOfferMatchReason).
type Reason string

// The reasons, named as Marathon writes them in /v2/queue.
const (
	UnfulfilledRole                 Reason = "UnfulfilledRole"
	UnfulfilledConstraint           Reason = "UnfulfilledConstraint"
	NoCorrespondingReservationFound Reason = "NoCorrespondingReservationFound"
	AgentMaintenance                Reason = "AgentMaintenance"
	InsufficientCpus                Reason = "InsufficientCpus"
	InsufficientMemory              Reason = "InsufficientMemory"
	InsufficientDisk                Reason = "InsufficientDisk"
	InsufficientGpus                Reason = "InsufficientGpus"
	InsufficientPorts               Reason = "InsufficientPorts"
	DeclinedScarceResources         Reason = "DeclinedScarceResources"
)

// Funnel is NoOfferMatchReason.reasonFunnel: an unmatched offer is charged
// to the first of its reasons in this order.
var Funnel = [...]Reason{
	UnfulfilledRole, UnfulfilledConstraint, NoCorrespondingReservationFound, AgentMaintenance,
	InsufficientCpus, InsufficientMemory, InsufficientDisk, InsufficientGpus, InsufficientPorts,
	DeclinedScarceResources,
}

// funnelIndex returns r's position in Funnel (len(Funnel) if unknown).
func funnelIndex(r Reason) int {
	for i, f := range Funnel {
		if f == r {
			return i
		}
	}
	return len(Funnel)
}

// FirstReason returns the reason an unmatched offer is charged to: the
// earliest of reasons in Funnel (OfferMatchStatistics: reasons.minBy(
// reasonFunnelPriority)). ok is false when reasons is empty.
func FirstReason(reasons []Reason) (r Reason, ok bool) {
	best := len(Funnel) + 1
	for _, x := range reasons {
		if i := funnelIndex(x); i < best {
			best, r, ok = i, x, true
		}
	}
	return r, ok
}

// DeclinedOfferStep is one step of the funnel in /v2/queue: of Processed
// offers that reached it, Declined were charged to Reason.
type DeclinedOfferStep struct {
	Reason    Reason `json:"reason"`
	Declined  int    `json:"declined"`
	Processed int    `json:"processed"`
}

// FunnelSteps builds the steps from the offers processed and the count
// charged to each reason (QueueInfoConversion.declinedOfferSteps): every
// reason of Funnel appears, and each step's Processed is what the earlier
// steps left.
func FunnelSteps(processed int, declined map[Reason]int) []DeclinedOfferStep {
	out := make([]DeclinedOfferStep, 0, len(Funnel))
	left := processed
	for _, r := range Funnel {
		n := declined[r]
		out = append(out, DeclinedOfferStep{Reason: r, Declined: n, Processed: left})
		left -= n
	}
	return out
}
