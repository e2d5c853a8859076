package main

import (
	"testing"

	"github.com/mesoscope/mesoscope/embedded/cluster"
)

func TestMain(m *testing.M) {
	// The end-to-end tests run local clusters whose agents launch tasks
	// through a re-exec of this test binary (the containerizer's shim).
	cluster.RunShimIfRequested()
	m.Run()
}
