// Package jsonscan is a small, allocation-conscious JSON reader for the inspector's
// tolerant decoders.
//
// Mesos serves the same concepts in many JSON shapes across versions 0.28–1.11 (v0
// endpoints and the v1 operator API, "slaves" vs "agents", ids as strings vs
// {"value": ...}, times as float seconds vs {"nanoseconds": n}). Decoding those with
// reflection-based encoding/json means an intermediate struct per shape and two passes
// over every byte; a /master/state of 10,000 agents and 100,000 tasks is tens of
// megabytes. This package instead walks the bytes once and lets hand-written decoders
// pull exactly the fields they know, converting between shapes as they go
// (e.g. String accepts a number, Float accepts "Infinity" as stout's JSON parser does).
//
// Errors are sticky: the first syntax error stops the scan, every later call returns a
// zero value, and Err reports it with the byte offset. Nesting depth is bounded so
// hostile input cannot exhaust the stack. Strings may be interned to share repeated
// values (framework ids, task states, role names) across a large document.
//
// It deliberately differs from encoding/json in being lenient where Mesos is: duplicate
// keys are all visited (the last one wins in decoders that assign), invalid UTF-8 is
// passed through unchanged (libprocess /__processes__ puts raw protobuf bytes into JSON
// strings), and numbers may be read as strings and vice versa.
package jsonscan
