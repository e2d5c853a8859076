package marathon

import (
	"fmt"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// BenchmarkCoreOffers measures the scheduler's decision logic alone:
// OFFERS events of 10 offers processed by the core, for apps that wait
// (every offer declined, the funnel recorded for each app) and for an app
// that launches (5 instances per offer until 1,000 run, then it starts
// over). It reports offers per second.
func BenchmarkCoreOffers(b *testing.B) {
	for _, tt := range []struct {
		name   string
		apps   int
		launch bool
	}{{"waiting/apps=1", 1, false}, {"waiting/apps=10", 10, false}, {"waiting/apps=100", 100, false}, {"launching/instances=1000", 1, true}} {
		b.Run(tt.name, func(b *testing.B) {
			cfg, err := Config{Master: "m", Seed: 1}.withDefaults()
			if err != nil {
				b.Fatal(err)
			}
			newC := func() *core {
				c := newCore(cfg)
				c.subscribedTo(t0, "fw")
				for i := range tt.apps {
					app := testApp(fmt.Sprintf("/app-%d", i), 1000, func(a *App) {
						a.CPUs, a.Mem = 0.01, 1
						if !tt.launch {
							a.CPUs = 64
						}
						a.Constraints = []Constraint{MustParseConstraint("rack", "GROUP_BY", "2")}
					})
					if _, err := c.createApp(t0, app); err != nil {
						b.Fatal(err)
					}
				}
				c.takeActions()
				return c
			}
			c := newC()
			batch := make([]mesos.Offer, 10)
			for i := range batch {
				batch[i] = offer(b, fmt.Sprintf("o%d", i), fmt.Sprintf("s%d", i), fmt.Sprintf("h%d", i), "*",
					"cpus:32;mem:65536;disk:1000;ports:[31000-31999]", text("rack", fmt.Sprintf("r%d", i%2)))
			}
			now := t0
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				now = now.Add(time.Millisecond)
				c.offers(now, batch)
				c.takeActions()
				if tt.launch && c.scheduledCount("/app-0") == 0 {
					b.StopTimer()
					c = newC()
					b.StartTimer()
				}
			}
			b.ReportMetric(float64(b.N*len(batch))/time.Since(start).Seconds(), "offers/s")
		})
	}
}
