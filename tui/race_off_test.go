//go:build !race

package tui

// raceEnabled is true in -race builds, whose allocations and speed are not
// the product's.
const raceEnabled = false
