package schedclient_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

// A framework that declines every offer. The stand-in master streams
// SUBSCRIBED, one OFFERS event and an ERROR, and accepts calls.
func Example() {
	master := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		call, _ := io.ReadAll(r.Body)
		c, err := scheduler.DecodeCall(call)
		if err != nil || c.Type != scheduler.CallSubscribe {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.Header().Set("Mesos-Stream-Id", "130ae4e3-6b13-4ef4-baa9-9f2e85c3e9af")
		rw := recordio.NewWriter(w)
		_ = rw.WriteRecord([]byte(`{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"fw-0001"},"heartbeat_interval_seconds":15}}`))
		_ = rw.WriteRecord([]byte(`{"type":"OFFERS","offers":{"offers":[{"id":{"value":"o-1"},"framework_id":{"value":"fw-0001"},"agent_id":{"value":"a-1"},"hostname":"h1","resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":2},"role":"*"}]}]}}`))
		_ = rw.WriteRecord([]byte(`{"type":"ERROR","error":{"message":"Framework has been removed"}}`))
	}))
	defer master.Close()

	c, err := schedclient.New(schedclient.Config{
		Master:    master.URL,
		Framework: mesos.FrameworkInfo{User: "root", Name: "decliner"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	err = c.Run(context.Background(), func(ctx context.Context, ev *scheduler.Event) {
		fmt.Println(scheduler.DescribeEvent(ev))
		if ev.Type == scheduler.EventOffers {
			refuse := 60.0
			err := c.Decline(ctx, []mesos.OfferID{ev.Offers.Offers[0].ID}, &mesos.Filters{RefuseSeconds: &refuse})
			fmt.Println("decline:", err)
		}
	})
	fmt.Println("run:", err)
	// Output:
	// SUBSCRIBED framework fw-0001 heartbeat=15s
	// OFFERS 1
	//   offer o-1 agent a-1 (h1) → framework fw-0001: cpus:2
	// decline: <nil>
	// ERROR: "Framework has been removed"
	// run: schedclient: master sent ERROR: Framework has been removed
}
