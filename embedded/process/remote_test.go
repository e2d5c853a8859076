package process

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// TestWireFormat checks the bytes of a remote message against libprocess's
// MessageEncoder (3rdparty/libprocess/src/encoder.hpp).
func TestWireFormat(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		var sb strings.Builder
		// Read the head, then the chunked body up to the terminating chunk.
		for {
			line, err := br.ReadString('\n')
			sb.WriteString(line)
			if err != nil || strings.HasSuffix(sb.String(), "0\r\n\r\n") {
				break
			}
		}
		got <- sb.String()
		io.WriteString(c, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
	}()
	rt := newTestRuntime(t, Config{Workers: 1, Address: netip.MustParseAddrPort("127.0.0.1:5050")})
	sender := newRecorder()
	spid := mustSpawn(t, rt, "slave(1)", sender)
	to := PID{ID: "master", Address: netip.MustParseAddrPort(ln.Addr().String())}
	Do(rt, spid, "send", func() { sender.Send(to, "mesos.internal.RegisterSlaveMessage", []byte("hello")) })
	want := "POST /master/mesos.internal.RegisterSlaveMessage HTTP/1.1\r\n" +
		"User-Agent: libprocess/slave(1)@127.0.0.1:5050\r\n" +
		"Libprocess-From: slave(1)@127.0.0.1:5050\r\n" +
		"Connection: Keep-Alive\r\n" +
		"Host: " + ln.Addr().String() + "\r\n" +
		"Transfer-Encoding: chunked\r\n\r\n" +
		"5\r\nhello\r\n0\r\n\r\n"
	select {
	case s := <-got:
		if s != want {
			t.Errorf("wire bytes:\n%q\nwant\n%q", s, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no message arrived")
	}
}

func TestReceiveMessageStatusCodes(t *testing.T) {
	rt, base := newServingRuntime(t, Config{Workers: 1, MaxBodyBytes: 64})
	r := newRecorder()
	mustSpawn(t, rt, "rec", r)
	post := func(path string, hdr map[string]string, body string) int {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	from := map[string]string{"Libprocess-From": "sender@127.0.0.1:7000"}
	ua := map[string]string{"User-Agent": "libprocess/sender@127.0.0.1:7000"}
	tests := []struct {
		name string
		path string
		hdr  map[string]string
		body string
		want int
	}{
		{"delivered via Libprocess-From", "/rec/note", from, `"a"`, 202},
		{"delivered via User-Agent", "/rec/note", ua, `"b"`, 202},
		{"unknown process", "/nobody/note", from, `"c"`, 404},
		{"malformed sender", "/rec/note", map[string]string{"Libprocess-From": "garbage"}, "", 400},
		{"no message name", "/rec", from, "", 400},
		{"oversized body", "/rec/note", from, strings.Repeat("x", 100), 413},
	}
	for _, tc := range tests {
		if got := post(tc.path, tc.hdr, tc.body); got != tc.want {
			t.Errorf("%s: POST %s = %d, want %d", tc.name, tc.path, got, tc.want)
		}
	}
	rt.Settle()
	if got := logOf(t, rt, r); !equal(got, []string{"initialize", "note:a", "note:b"}) {
		t.Errorf("delivered messages: %v", got)
	}
}

func TestRequirePeerAddressIPMatch(t *testing.T) {
	t.Run("config", func(t *testing.T) { testPeerMatch(t, Config{Workers: 1, RequirePeerAddressIPMatch: true}) })
	t.Run("LIBPROCESS_REQUIRE_PEER_ADDRESS_IP_MATCH", func(t *testing.T) {
		t.Setenv("LIBPROCESS_REQUIRE_PEER_ADDRESS_IP_MATCH", "true")
		testPeerMatch(t, Config{Workers: 1})
	})
	t.Setenv("LIBPROCESS_REQUIRE_PEER_ADDRESS_IP_MATCH", "maybe")
	if _, err := New(Config{Workers: 1}); err == nil || !strings.Contains(err.Error(), "LIBPROCESS_REQUIRE_PEER_ADDRESS_IP_MATCH") {
		t.Errorf("New with LIBPROCESS_REQUIRE_PEER_ADDRESS_IP_MATCH=maybe = %v, want an error naming it", err)
	}
}

func testPeerMatch(t *testing.T, cfg Config) {
	rt, base := newServingRuntime(t, cfg)
	mustSpawn(t, rt, "rec", newRecorder())
	for _, tc := range []struct {
		from string
		want int
	}{
		{"sender@127.0.0.1:7000", 202},
		{"sender@10.9.9.9:7000", 400},
	} {
		req, _ := http.NewRequest("POST", base+"/rec/note", strings.NewReader(`"x"`))
		req.Header.Set("Libprocess-From", tc.from)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("from %s: status %d, want %d", tc.from, resp.StatusCode, tc.want)
		}
	}
}

// traceObserver injects a traceparent on every send and records what handlers see.
type traceObserver struct {
	observe.Nop
	mu   sync.Mutex
	seen map[string]string // message name -> traceparent seen by the handler
}

func (o *traceObserver) Needs() observe.Needs { return observe.NeedDispatch | observe.NeedMessages }
func (o *traceObserver) MessageSend(_ *observe.Dispatch, m *observe.Message) {
	m.Header = observe.Header{"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
}
func (o *traceObserver) DispatchBegin(d *observe.Dispatch) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen == nil {
		o.seen = map[string]string{}
	}
	if d.Kind == observe.KindMessage {
		o.seen[d.Name] = d.Header["traceparent"]
	}
}

// TestTwoRuntimesOverLoopback exchanges messages between two runtimes in the wire format:
// order is kept per destination, replies travel as new messages, the trace header
// crosses, and a remote link fires EXITED when the other runtime goes away.
func TestTwoRuntimesOverLoopback(t *testing.T) {
	obs := &traceObserver{}
	a, _ := newServingRuntime(t, Config{Workers: 2, Observer: obs})
	bLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{Workers: 2, Listener: bLn, Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	bStopped := false
	defer func() {
		if !bStopped {
			b.Stop(context.Background())
		}
	}()

	echo := &struct{ Base }{}
	Install(&echo.Base, "ping", func(from PID, n int) { echo.Send(from, "pong", n) })
	echoPID := mustSpawn(t, b, "echo", echo)

	client := newRecorder()
	pongs := make(chan int, 1000)
	Install(&client.Base, "pong", func(_ PID, n int) { pongs <- n })
	cpid := mustSpawn(t, a, "client", client)
	const n = 500
	Do(a, cpid, "go", func() {
		client.Link(echoPID)
		for i := range n {
			client.Send(echoPID, "ping", i)
		}
	})
	for i := range n {
		select {
		case got := <-pongs:
			if got != i {
				t.Fatalf("pong %d arrived at position %d: order broken", got, i)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("only %d of %d pongs arrived", i, n)
		}
	}
	obs.mu.Lock()
	tp := obs.seen["ping"]
	obs.mu.Unlock()
	if !strings.HasPrefix(tp, "00-0af7651916cd43dd8448eb211c80319c-") {
		t.Errorf("traceparent seen by the remote handler = %q, want the injected one", tp)
	}

	// Stopping b breaks the connection: the link fires.
	b.Stop(context.Background())
	bStopped = true
	deadline := time.After(20 * time.Second)
	for {
		log := logOf(t, a, client)
		if len(log) > 0 && log[len(log)-1] == "exited:echo" {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("no EXITED after the remote runtime stopped; log = %v", log)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func TestLinkToUnreachableRuntimeExitsAtOnce(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 1})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	w := newRecorder()
	wpid := mustSpawn(t, rt, "w", w)
	target := PID{ID: "master", Address: netip.MustParseAddrPort(addr)}
	Do(rt, wpid, "link", func() { w.Link(target) })
	deadline := time.After(20 * time.Second)
	for {
		if log := logOf(t, rt, w); len(log) == 2 && log[1] == "exited:master" {
			return
		}
		select {
		case <-deadline:
			t.Fatalf("no EXITED for a link to %s with nothing listening", addr)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// The child side of TestSeparateOSProcesses: a runtime with an "echo" process, serving on
// an ephemeral port it prints to stdout, until killed.
const childEnv = "MESOSCOPE_PROCESS_TEST_CHILD"

func init() {
	if os.Getenv(childEnv) != "1" {
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(2)
	}
	rt, err := New(Config{Listener: ln})
	if err != nil {
		fmt.Println("new:", err)
		os.Exit(2)
	}
	echo := &struct{ Base }{}
	Install(&echo.Base, "ping", func(from PID, s string) { echo.Send(from, "pong", "pong:"+s) })
	if _, err := rt.Spawn("echo", echo); err != nil {
		fmt.Println("spawn:", err)
		os.Exit(2)
	}
	fmt.Println(ln.Addr().String())
	select {}
}

// TestSeparateOSProcesses runs a second runtime in a child OS process, exchanges messages
// with it, and checks that killing it fires EXITED on a linked process.
func TestSeparateOSProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the child's address: %v", err)
	}
	childAddr, err := netip.ParseAddrPort(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("child printed %q: %v", line, err)
	}

	rt, _ := newServingRuntime(t, Config{Workers: 2})
	client := newRecorder()
	replies := make(chan string, 1)
	Install(&client.Base, "pong", func(_ PID, s string) { replies <- s })
	cpid := mustSpawn(t, rt, "client", client)
	echo := PID{ID: "echo", Address: childAddr}
	Do(rt, cpid, "ping", func() {
		client.Link(echo)
		client.Send(echo, "ping", "hi")
	})
	select {
	case got := <-replies:
		if got != "pong:hi" {
			t.Errorf("reply = %q, want pong:hi", got)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no reply from the child process")
	}

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true
	deadline := time.After(20 * time.Second)
	for {
		log := logOf(t, rt, client)
		if len(log) > 0 && log[len(log)-1] == "exited:echo" {
			return
		}
		select {
		case <-deadline:
			t.Fatalf("no EXITED after killing the child; log = %v", log)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
