package walkthroughs

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no tour leaves a goroutine behind: every runtime, HTTP server,
// connection and stream reader a Session starts is stopped by Close.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
