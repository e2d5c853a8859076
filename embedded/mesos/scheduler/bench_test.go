package scheduler

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// offersEvent builds an OFFERS event of n offers, each a whole agent
// (cpus, mem, disk, ports, two attributes) allocated to a role, written
// in the pre-refinement format a framework without
// RESERVATION_REFINEMENT receives.
func offersEvent(n int) *Event {
	rs := mesos.ResourcesOf(resources.MustParse("cpus:8;mem:16384;disk:102400;ports:[31000-32000]")).WithFormat(resources.FormatPreRefinement)
	rs.Allocate("web")
	e := &Event{Type: EventOffers, Offers: &Offers{Offers: make([]mesos.Offer, n)}}
	for i := range n {
		e.Offers.Offers[i] = mesos.Offer{
			ID:             mesos.OfferID{Value: fmt.Sprintf("6d1a7c2e-1d1f-4bb6-9a8e-0c3f6c2b1a55-O%d", i)},
			FrameworkID:    mesos.FrameworkID{Value: "6d1a7c2e-1d1f-4bb6-9a8e-0c3f6c2b1a55-0000"},
			AgentID:        mesos.AgentID{Value: fmt.Sprintf("6d1a7c2e-1d1f-4bb6-9a8e-0c3f6c2b1a55-S%d", i)},
			Hostname:       fmt.Sprintf("agent-%d.example.com", i),
			Resources:      rs,
			Attributes:     []mesos.Attribute{{Name: "rack", Type: mesos.ValueText, Text: &mesos.Text{Value: fmt.Sprintf("r%d", i%40)}}, {Name: "os", Type: mesos.ValueText, Text: &mesos.Text{Value: "ubuntu"}}},
			AllocationInfo: &resources.AllocationInfo{Role: "web"},
		}
	}
	return e
}

func BenchmarkOffersEvent(b *testing.B) {
	for _, n := range []int{1000} {
		e := offersEvent(n)
		data, err := json.Marshal(e)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("encode/offers=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := json.Marshal(e); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("decode/offers=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := DecodeEvent(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestOffersEventRoundTrip(t *testing.T) {
	e := offersEvent(3)
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeEvent(data)
	if err != nil {
		t.Fatal(err)
	}
	again, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(data) {
		t.Errorf("round trip = %s, want %s", again, data)
	}
	if r := got.Offers.Offers[2].Resources; r.Format != resources.FormatPreRefinement || !r.Equal(e.Offers.Offers[2].Resources.Resources) {
		t.Errorf("offer resources = %v (format %v), want %v in PRE format", r, r.Format, e.Offers.Offers[2].Resources)
	}
}
