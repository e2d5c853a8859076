package tracer

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
)

func TestMain(m *testing.M) {
	// The end-to-end test's agent launches tasks through a re-exec of this
	// test binary (the containerizer's launch shim).
	containerizer.RunShimIfRequested()
	goleak.VerifyTestMain(m)
}
