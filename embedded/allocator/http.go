package allocator

import (
	"strconv"

	"github.com/mesoscope/mesoscope/embedded/process"
)

// serveHTTP answers /mesoscope/v1/allocator on the allocator's goroutine:
// the recorded cycles as JSON ({"cycles": [...]}, oldest first), or with
// ?framework_id=ID the on-demand Explanation of one framework, or with
// ?format=text the Describe rendering. ?limit=N keeps the last N cycles.
func (a *Allocator) serveHTTP(r *process.Request) process.Response {
	q := r.URL.Query()
	if id := q.Get("framework_id"); id != "" {
		ex, err := a.core.Explain(id, a.rt.Clock().Now())
		if err != nil {
			return process.NotFound(err.Error())
		}
		if q.Get("format") == "text" {
			return process.OK([]byte(DescribeExplanation(ex)), "text/plain; charset=utf-8")
		}
		return process.JSON(ex)
	}
	cycles := a.core.Cycles()
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return process.BadRequest("allocator: bad limit " + strconv.Quote(s) + ": want a non-negative integer")
		}
		if n < len(cycles) {
			cycles = cycles[len(cycles)-n:]
		}
	}
	if q.Get("format") == "text" {
		var out []byte
		for _, c := range cycles {
			out = append(out, Describe(c)...)
		}
		return process.OK(out, "text/plain; charset=utf-8")
	}
	return process.JSON(struct {
		Cycles []Cycle `json:"cycles"`
	}{cycles})
}
