package recordio_test

import (
	"bytes"
	"fmt"

	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
)

func Example() {
	var stream bytes.Buffer
	w := recordio.NewWriter(&stream)
	_ = w.WriteRecord([]byte(`{"type":"SUBSCRIBED"}`))
	_ = w.WriteRecord([]byte(`{"type":"HEARTBEAT"}`))
	fmt.Printf("%q\n", stream.String())

	r := recordio.NewReader(&stream, 0)
	for {
		rec, err := r.ReadRecord()
		if err != nil {
			break // io.EOF at the end of the stream
		}
		fmt.Println(string(rec))
	}
	// Output:
	// "21\n{\"type\":\"SUBSCRIBED\"}20\n{\"type\":\"HEARTBEAT\"}"
	// {"type":"SUBSCRIBED"}
	// {"type":"HEARTBEAT"}
}
