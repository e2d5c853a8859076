// Package recordio implements Mesos's RecordIO framing (docs/recordio.md),
// the format of the v1 scheduler and operator event streams:
//
//	records = *record
//	record  = record-size LF record-data
//	record-size = 1*DIGIT
//
// e.g. "20\n{\"type\":\"HEARTBEAT\"}". Record boundaries are unrelated to
// HTTP chunk boundaries, so readers must handle records split across (and
// packed into) reads.
//
// Writer frames records; Reader pulls records from an io.Reader; Decoder
// is the push form of stout's recordio::Decoder (3rdparty/stout/include/
// stout/recordio.hpp), fed arbitrary chunks.
//
// Deliberate differences from Mesos:
//
//   - Records are limited in size (MaxRecordSize by default, configurable):
//     a larger length header is an error, where Mesos would buffer it.
//   - The length header must be 1-20 ASCII digits; stout's numify would
//     also accept e.g. leading whitespace or a "+" sign.
//   - A zero length yields an empty record, as stout's decoder does, even
//     though the grammar in docs/recordio.md says sizes are never 0.
//   - Reader reports a stream that ends inside a record as
//     io.ErrUnexpectedEOF (stout has a TODO for detecting it).
package recordio
