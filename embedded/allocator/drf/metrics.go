package drf

import "strings"

// DominantShares returns each client's weighted dominant share, the value
// Mesos publishes as <prefix>/<client>/shares/dominant (the role sorter's
// prefix is "allocator/mesos/roles/"). Like the PullGauge in
// src/master/allocator/mesos/sorter/drf/metrics.cpp it computes the share
// fresh at read time with calculateShare, for active and inactive clients
// alike; looking up a weight caches it on the node as that gauge does.
func (s *Sorter) DominantShares() map[string]float64 {
	out := make(map[string]float64, len(s.clients))
	for client, n := range s.clients {
		out[client] = s.calculateShare(n, true)
	}
	return out
}

// DominantShareMetric returns the metric name Mesos registers for a
// client's dominant share: path::join(prefix, client, "/shares/",
// "/dominant"), e.g. "allocator/mesos/roles/eng/web/shares/dominant".
func DominantShareMetric(prefix, client string) string {
	out := prefix
	for _, p := range []string{client, "/shares/", "/dominant"} {
		out = strings.TrimSuffix(out, "/") + "/" + strings.TrimPrefix(p, "/")
	}
	return out
}
