package schedclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// offersRecord returns the RecordIO framing of an OFFERS event of n
// offers, each a whole agent (cpus, mem, disk, ports, two attributes)
// allocated to a role, as a master writes it.
func offersRecord(tb testing.TB, n int) []byte {
	tb.Helper()
	rs := mesos.ResourcesOf(resources.MustParse("cpus:8;mem:16384;disk:102400;ports:[31000-32000]")).WithFormat(resources.FormatPreRefinement)
	rs.Allocate("web")
	ev := &scheduler.Event{Type: scheduler.EventOffers, Offers: &scheduler.Offers{Offers: make([]mesos.Offer, n)}}
	for i := range n {
		ev.Offers.Offers[i] = mesos.Offer{
			ID:             mesos.OfferID{Value: fmt.Sprintf("6d1a7c2e-1d1f-4bb6-9a8e-0c3f6c2b1a55-O%d", i)},
			FrameworkID:    mesos.FrameworkID{Value: "6d1a7c2e-1d1f-4bb6-9a8e-0c3f6c2b1a55-0000"},
			AgentID:        mesos.AgentID{Value: fmt.Sprintf("6d1a7c2e-1d1f-4bb6-9a8e-0c3f6c2b1a55-S%d", i)},
			Hostname:       fmt.Sprintf("agent-%d.example.com", i),
			Resources:      rs,
			Attributes:     []mesos.Attribute{{Name: "rack", Type: mesos.ValueText, Text: &mesos.Text{Value: fmt.Sprintf("r%d", i%40)}}, {Name: "os", Type: mesos.ValueText, Text: &mesos.Text{Value: "ubuntu"}}},
			AllocationInfo: &resources.AllocationInfo{Role: "web"},
		}
	}
	data, err := mesos.Marshal(ev)
	if err != nil {
		tb.Fatal(err)
	}
	return recordio.AppendRecord(nil, data)
}

// repeat is an endless stream of one record.
type repeat struct {
	rec []byte
	off int
}

func (r *repeat) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.rec[r.off:])
		n += c
		r.off = (r.off + c) % len(r.rec)
	}
	return n, nil
}

// BenchmarkEventReader decodes OFFERS events from a stream; one op is one
// event.
func BenchmarkEventReader(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		rec := offersRecord(b, n)
		b.Run(fmt.Sprintf("offers=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(rec)))
			r := NewEventReader(&repeat{rec: rec}, 0)
			for b.Loop() {
				ev, err := r.Read()
				if err != nil || len(ev.Offers.Offers) != n {
					b.Fatalf("Read() = %v, %v, want %d offers", ev, err, n)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// streamTransport answers SUBSCRIBE with SUBSCRIBED, events OFFERS
// events and an ERROR, without a network.
type streamTransport struct {
	offers []byte
	events int
}

func (s *streamTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	_ = req.Body.Close()
	frame := func(ev string) io.Reader { return strings.NewReader(fmt.Sprintf("%d\n%s", len(ev), ev)) }
	body := io.MultiReader(
		frame(`{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"fw-1"},"heartbeat_interval_seconds":15}}`),
		io.LimitReader(&repeat{rec: s.offers}, int64(s.events*len(s.offers))),
		frame(`{"type":"ERROR","error":{"message":"done"}}`),
	)
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {ContentTypeJSON}, headerStreamID: {"s-1"}},
		Body:       io.NopCloser(body),
		Request:    req,
	}, nil
}

// BenchmarkRun is the per-event cost of Run on top of decoding: the
// watchdog and the handler call. One op is one OFFERS event.
func BenchmarkRun(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		rec := offersRecord(b, n)
		b.Run(fmt.Sprintf("offers=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(rec)))
			c, err := New(Config{
				Master:     "http://m1:5050",
				Framework:  testFramework(),
				HTTPClient: &http.Client{Transport: &streamTransport{offers: rec, events: b.N}},
			})
			if err != nil {
				b.Fatal(err)
			}
			seen := 0
			b.ResetTimer()
			err = c.Run(context.Background(), func(_ context.Context, ev *scheduler.Event) {
				if ev.Type == scheduler.EventOffers {
					seen++
				}
			})
			b.StopTimer()
			var me *MasterError
			if !errors.As(err, &me) || seen != b.N {
				b.Fatalf("Run() = %v after %d events, want the ERROR after %d", err, seen, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
