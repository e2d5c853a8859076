// Package fixturetest loads the real Mesos JSON payloads of
// /work/shared/fixtures/mesos for the round-trip tests of embedded/mesos
// and its subpackages, and compares payloads as JSON values.
package fixturetest
