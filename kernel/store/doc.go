// Package store is trailbook's embedded log store: an append-only, time-partitioned,
// columnar store of CloudTrail events in one data directory, read through the
// exec.Source interface by `fetch logs`.
//
// Every record it returns is the log record of spec/dql.md §14, built by BuildRecord
// semantics from the event's original JSON (kept byte for byte) and a few stored
// fields, so a query sees exactly what it would see over the raw files.
//
// # Why this design
//
// CloudTrail investigations are read-mostly: ingest once, then run many queries that
// each look at a time window and filter on a handful of fields (eventName,
// eventSource, errorCode, the caller's ARN). So the store
//
//   - partitions by bucket and UTC day, and keeps each partition's min and max time in
//     the manifest: a timeframe opens only the segments that overlap it;
//   - extracts the hot fields into dictionary-encoded columns at ingest (codes of 1, 2
//     or 4 bytes per row, a per-segment dictionary), so a pushed-down filter is
//     evaluated once per distinct value and then by one table lookup per row, and the
//     event JSON of rejected rows is never read;
//   - keeps the raw events in compressed blocks of about 64 KiB, so the surviving rows
//     cost one block decode each, not a JSON parse of the whole window;
//   - writes immutable segment files and commits them with a small log (the manifest),
//     which gives atomic multi-file batches without a write-ahead log of the data
//     itself: the data is written once.
//
// The store is pure Go and has no server: an embedded database (SQLite, Badger,
// Pebble) would either need cgo or store rows, not columns, and would keep a second
// copy of the data in its own log.
//
// # Data directory
//
//	MANIFEST        the commit log: which segments are live (see manifest.go)
//	LOCK            flock'd by the one writer (ingest, delete) at a time
//	segments/       immutable segment files, 0000000000000001.tbs, …
//
// A segment holds the events of one partition (bucket, day) from one batch, sorted
// by eventTime:
//
//	"TRLBSEG1"
//	raw blocks      the events' JSON text, concatenated, S2-compressed per block
//	sections        time     int64 ns per row (sorted: binary search for [from, to))
//	                rawend   uint32 per row: end of the event in its block
//	                key      16-byte dedup key per row
//	                c:eventName, c:userIdentity.arn, … r:aws.region, r:log.source, …
//	                         dictionary columns (see columns.go for the list)
//	footer          bucket, day, rows, time range, block table, section table
//	trailer         footer offset, length and CRC-32C, "TRLBEND1"
//
// Every block, section and footer carries a CRC-32C. A damaged or truncated file is
// reported as ErrCorrupt when it is read; nothing in a file can make the reader
// panic or allocate beyond the file's size.
//
// # Durability and atomicity
//
// An ingest commits a batch (32 Ki events or 16 MiB of JSON by default) in three
// steps: write and fsync the batch's segment files (one per partition it touches),
// fsync the segments directory, append one checksummed record naming them all to the
// manifest and fsync it. Only then is the batch reported done. A crash before the
// manifest record is complete leaves files that no record names (the next writer
// deletes them) and possibly a torn record at the manifest's tail (readers ignore
// it, the next writer truncates it). So a SIGKILL at any moment leaves every batch
// reported done and nothing of a batch that was not. TestCrashRecovery checks this by
// killing a child process 50 times.
//
// Readers, in this process or others, re-read the manifest's new records before
// each scan and so see whole batches only. When the manifest has grown well past the
// live segments, a writer rewrites it (new file, fsync, rename, fsync directory).
//
// # Idempotent ingest
//
// Each event has a key: SHA-256 (cut to 16 bytes) of its account and its JSON text,
// which includes eventID and recipientAccountId. Keys are stored per segment and
// loaded per partition when an ingest first touches it, so ingesting the same files
// again stores nothing new and changes no query result. Keying on the text rather
// than on eventID + recipientAccountId alone keeps distinct events that share an
// eventID (the AWS documentation examples in shared/data do) and still catches every
// re-delivery of the same event.
//
// # Scans
//
// Scan applies From/To and Buckets exactly and the filter hints it can answer from
// columns (exec.Predicate paths such as ["content","eventName"],
// ["content","userIdentity","arn"], ["aws.region"], ["dt.system.bucket"],
// ["loglevel"]); other hints are left to the executor. A column cell is a string, null
// (absent or JSON null) or "other" (a number, object…), and a predicate on an "other"
// cell keeps the row, so the store never drops a record that passes the filters.
// Segments are cut into units of 4,096 rows that GOMAXPROCS workers filter and
// decode ahead of the caller, in order. Loaded columns stay cached (256 MiB at most,
// least recently used first out) for the next query of a long-running kernel.
//
// The package imports the DQL value and exec packages (for the records and the
// Source interface) and cloudtrail (for reading inputs); nothing in the engine
// imports it.
package store
