package containerizer

import "github.com/mesoscope/mesoscope/embedded/containerizer/shim"

// ShimEnv names the environment variable that turns a re-exec of the
// binary into the container's launch shim; its value is the JSON launch
// info. A binary that embeds the containerizer must call RunShimIfRequested
// first thing in main (and test binaries in TestMain).
const ShimEnv = shim.Env

// prSetChildSubreaper is PR_SET_CHILD_SUBREAPER.
const prSetChildSubreaper = shim.PRSetChildSubreaper

// launchInfo is the shim's input (see shim.LaunchInfo).
type launchInfo = shim.LaunchInfo

// RunShimIfRequested runs the launch shim and exits the process when the
// ShimEnv variable is set, or the launch supervisor when SupervisorEnv is;
// otherwise it returns immediately. The shim itself
// lives in the leaf package shim, so that a dedicated shim binary (see
// internal/shim) links little more than the runtime.
func RunShimIfRequested() { shim.RunIfRequested() }
