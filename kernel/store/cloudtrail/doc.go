// Package cloudtrail reads AWS CloudTrail events from every shape in which
// users keep them, and hands them on in batches as raw JSON. It is the front
// end of `trailbook ingest` (which writes the events into the store) and of
// `trailbook query --input PATH` (which queries raw files directly).
//
// It owns sources and splitting only: it knows nothing of DQL, of the store,
// of servers or of user interfaces, and must not import them. Its
// dependencies are gjson (validation) and the AWS SDK (s3:// paths).
//
// # Inputs
//
// A path is a file, a directory (walked recursively in lexical order, names
// starting with "." skipped), "-" for stdin, or s3://bucket/prefix (listed
// with ListObjectsV2, each object streamed from GetObject). Gzip is detected
// by its magic bytes 1f 8b, never by extension, and several gzip members in a
// row read as one stream. Shapes are detected by content, and may follow one
// another in the same stream:
//
//	{"Records":[{…},{…}]}                      S3 delivery file: each element is an event
//	{"eventVersion":…} one per line            JSON lines (LF or CRLF; blank lines ignored)
//	[ {…}, {…} ]                               JSON array of events, pretty-printed or not
//	{ pretty-printed event }                   a single event
//	{"messageType":"DATA_MESSAGE",
//	 "logEvents":[{"message":"{…}"}]}{…}       CloudWatch Logs subscription payloads, as
//	                                           Firehose writes them back to back
//	2024-03-01T11:00:01.000Z {…}               CloudWatch Logs export lines
//
// CloudTrail digest files (named *_CloudTrail-Digest_* or holding
// digestStartTime/logFiles) and CONTROL_MESSAGE payloads hold no events and
// are skipped; digest S3 objects are not even downloaded. Account and region
// come from the delivery key or file name (see ParseKey).
//
// # Design
//
// Inputs can be far larger than memory, so nothing is parsed into a tree.
// A scanner keeps a window of the decompressed stream (1 MiB, growing only
// to hold one record, at most 64 MiB) and a splitter walks it:
//
//   - JSON lines take a fast path: IndexByte finds the line end, gjson.Valid
//     judges the line, and a few substring searches rule out wrappers. This
//     runs at several hundred MB/s (BENCH.md).
//   - Everything else goes through a streaming splitter: top-level object keys
//     are read one by one, so a "Records" or "logEvents" array is split into
//     elements as it arrives, by counting brackets outside strings (strings are
//     skipped with IndexByte). An element's exact bytes become Event.Raw after
//     gjson.Valid accepts them; the wrapper itself is never held whole.
//
// Each batch's Raw bytes are copied into fresh memory, so consumers may keep
// them; the window and readers are reused from file to file.
//
// # Damage
//
// A malformed record (invalid JSON, not an object, cut short) is counted,
// reported as a Problem with its source and line, and skipped; reading goes
// on. A file whose first record fits on one line is line-shaped: there no
// record may run past its line end, and reading resumes on the next line, so
// a broken line never takes a good neighbour with it. In a multi-line
// document a broken bracket leaves nothing to resynchronise on, and the rest
// of that file is skipped with a Problem. Files that cannot be opened or read
// to the end (I/O errors, truncated gzip) are Problems too; every complete
// record read before the failure is kept. Only fn's error, cancellation, or
// having nothing readable at all (ErrNoInput) end a Read with an error.
package cloudtrail
