package process

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzReceiveMessage feeds arbitrary libprocess messages (path, Libprocess-From,
// User-Agent, traceparent, body) to a runtime: it never panics, answers only 202, 400,
// 404 or 413, and a 202 means the message reached the process named in the path.
func FuzzReceiveMessage(f *testing.F) {
	f.Add("/target/note", "sender@127.0.0.1:5050", "", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", []byte(`"hi"`), false)
	f.Add("/target/note", "", "libprocess/sender@127.0.0.1:5050", "", []byte(`"hi"`), true)
	f.Add("/nobody/x", "a@127.0.0.1:1", "", "", []byte{}, false)
	f.Add("/target", "a@127.0.0.1:1", "", "", []byte{}, false)
	f.Add("/target/note", "not a pid", "", "", []byte{}, false)
	f.Add("/tar%67et/no%74e", "a@[::1]:5", "", "garbage", bytes.Repeat([]byte("x"), 2048), true)
	f.Fuzz(func(t *testing.T, path, from, agent, traceparent string, body []byte, peerMatch bool) {
		rt, err := New(Config{Workers: 1, MaxBodyBytes: 1024, RequirePeerAddressIPMatch: peerMatch})
		if err != nil {
			t.Fatal(err)
		}
		defer rt.Stop(t.Context())
		rec := newRecorder()
		if _, err := rt.Spawn("target", rec); err != nil {
			t.Fatal(err)
		}
		if len(path) == 0 || path[0] != '/' {
			path = "/" + path
		}
		req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:5050"+path, bytes.NewReader(body))
		if err != nil {
			return // not a URL an HTTP server could receive
		}
		if from != "" {
			req.Header["Libprocess-From"] = []string{from}
		}
		if agent != "" {
			req.Header["User-Agent"] = []string{agent}
		}
		if traceparent != "" {
			req.Header["Traceparent"] = []string{traceparent}
		}
		req.RemoteAddr = "127.0.0.1:40000"
		w := httptest.NewRecorder()
		rt.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusAccepted, http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge:
		default:
			if isLibprocessMessage(req) {
				t.Fatalf("POST %q from %q: status %d, want 202, 400, 404 or 413", path, from, w.Code)
			}
		}
		if w.Code == http.StatusAccepted && len(body) > 1024 {
			t.Fatalf("POST of %d bytes accepted, above MaxBodyBytes 1024", len(body))
		}
	})
}
