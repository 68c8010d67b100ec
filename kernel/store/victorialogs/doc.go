// Package victorialogs keeps trailbook's CloudTrail events in a VictoriaLogs single
// node or cluster and reads them back for `fetch logs`: Client.Ingest writes events
// with /insert/jsonline, and Client, an exec.Source, scans them with a LogsQL query on
// /select/logsql/query; as an exec.Aggregator it also computes summarize and
// makeTimeseries there with a stats query (aggregate.go), so that the cluster sends
// groups instead of events. It talks HTTP only and imports nothing of VictoriaLogs, so the
// product binary stays free of it; it imports the embedded store only for the record
// shape (store.BuildRecord) and the ingest statistics, so that both stores answer
// every query alike.
//
// # Entries
//
// Each event becomes one log entry:
//
//	_time              eventTime, to the nanosecond
//	_msg               the event's JSON text, byte for byte: content is rebuilt from it
//	dt.system.bucket   aws.account.id   aws.region   log.source   loglevel
//	                   the §14 record fields, as store.BuildRecord computes them
//	trailbook.key      the event's identity (SHA-256 of account and text, as the store)
//	trailbook.batch    the ingest batch that wrote it, for checking what was stored
//	trailbook.format   "2": the rules below (older entries lack it)
//	trailbook.partial  "1" when the flattened fields below are incomplete
//	trailbook.nonstring the members whose value is not a non-empty string (numbers,
//	                   booleans, null, "", arrays, objects), space-separated
//	eventName, userIdentity.arn, requestParameters.bucketName, …
//	                   the event's members flattened with dots, as VictoriaLogs does
//
// The flattened members exist for pushdown and for people who query the cluster
// directly; the records trailbook returns are always rebuilt from _msg. A member is
// not flattened when its name could be read two ways (a key that is empty, holds a
// dot or a control character, or a top-level key that is "aws", "dt", "log",
// "loglevel", "trailbook" or begins with "_"); filters on such paths are left to the
// local engine. When an event has too many members, too long values or too deep
// nesting, it gets trailbook.partial and every pushed-down filter on its content lets
// it through, so that a filter never loses an event whose member was not stored.
// VictoriaLogs stores no empty values: an empty string member and a missing one look
// alike in the cluster, which the filter translation (logsql.go) takes into account.
// Aggregations are computed by the cluster only over the entries where every member
// the query names is a plain string or missing (trailbook.nonstring says which), and
// the others are scanned and aggregated by the executor, so that groups are typed
// and exact (aggregate.go).
//
// # Streams
//
// The stream fields are dt.system.bucket, aws.account.id and aws.region. Investigations
// almost always narrow by bucket (every tutorial query does), and then by account and
// region (“what happened in prod, in eu-west-1”); a stream is stored contiguously and
// indexed, so these filters skip whole streams instead of reading blocks. The three
// have a few thousand combinations even in a large organisation, well within what
// VictoriaLogs handles, while fields such as the user or the source IP would create a
// stream per value and fragment the storage.
//
// # Consistency
//
// Ingest is idempotent: before sending a batch it asks the cluster which of the batch's
// events are stored already (by trailbook.key, in narrow time windows per stream), and
// it keeps the keys of batches sent but not yet visible in memory. It then checks that
// the cluster holds exactly what it sent, by batch, before counting the events as new,
// so that once the summary line is printed every counted event is visible to the next
// query. Queries pass allow_partial_response=0: a storage node down gives ErrUnavailable,
// never a silently short answer. With Client.Partial such a query is sent again
// accepting a partial answer, and its result carries a warning (exec.Warner).
package victorialogs
