package zmq_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/protocol"
	"github.com/trailbook/trailbook/kernel/zmq"
	"github.com/trailbook/trailbook/kernel/zmq/zmqtest"
)

// BenchmarkEncodeTable signs and frames an execute_result holding a 1,000-row
// table, the largest message a cell sends with the default --rows.
func BenchmarkEncodeTable(b *testing.B) {
	c, _ := zmq.NewCodec("hmac-sha256", strings.Repeat("k", 64))
	var rows []string
	for i := range 1000 {
		rows = append(rows, fmt.Sprintf(`{"ipAddr":"203.0.113.%d","reason":"Failed authentication","region":"us-east-1","count()":%d}`, i%256, i))
	}
	content := `{"execution_count":1,"data":{"application/vnd.trailbook.table+json":{"records":[` + strings.Join(rows, ",") + `]}},"metadata":{}}`
	m := &protocol.Message{Header: protocol.Header{MsgID: "a_1", Session: "s", Username: "trailbook", Date: protocol.Now(), MsgType: protocol.ExecuteResult, Version: protocol.Version},
		ParentHeader: json.RawMessage(`{"msg_id":"r_1","session":"c","username":"u","date":"2024-03-01T10:00:00.000000Z","msg_type":"execute_request","version":"5.3"}`),
		Content:      json.RawMessage(content)}
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Encode([][]byte{[]byte("kernel.x.execute_result")}, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeRequest checks the signature of and decodes an execute_request, as
// the kernel does for every request. Each message is distinct, as the replay check
// requires.
func BenchmarkDecodeRequest(b *testing.B) {
	c, _ := zmq.NewCodec("hmac-sha256", strings.Repeat("k", 64))
	client, _ := zmq.NewCodec("hmac-sha256", strings.Repeat("k", 64))
	frames := make([][][]byte, b.N)
	for i := range frames {
		m := &protocol.Message{Header: protocol.Header{MsgID: fmt.Sprintf("c_%d", i), Session: "c", Username: "u", Date: protocol.Now(), MsgType: protocol.ExecuteRequest, Version: protocol.Version},
			Content: json.RawMessage(`{"code":"fetch logs, from: -30min\n| filter aws.service == \"cloudtrail\"\n| summarize count(), by: {aws.region}","silent":false,"store_history":true,"user_expressions":{},"allow_stdin":true,"stop_on_error":true}`)}
		frames[i], _ = client.Encode([][]byte{[]byte("client-identity")}, m)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, _, err := c.Decode(protocol.Shell, frames[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExecuteRoundTrip runs `data record(a = 1)` through real sockets on
// 127.0.0.1: from the client sending execute_request to its receiving the reply and
// the idle status, as a notebook front end waits for a cell.
func BenchmarkExecuteRoundTrip(b *testing.B) {
	s := kernel.New("", kernel.Options{})
	defer s.Shutdown()
	bound := make(chan zmq.ConnectionInfo, 1)
	go zmq.Serve(b.Context(), zmq.NewConnectionInfo(), s, zmq.Options{Bound: func(i zmq.ConnectionInfo) { bound <- i }})
	c := zmqtest.Dial(b, <-bound)
	c.Ready()
	b.ReportAllocs()
	for b.Loop() {
		e := c.Execute("data record(a = 1)")
		if e.Output == nil {
			b.Fatal("no output")
		}
	}
}
