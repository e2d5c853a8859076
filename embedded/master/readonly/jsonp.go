package readonly

import "net/url"

// Content types of the v0 endpoints: JSON, or JavaScript when the jsonp
// query parameter asks for a callback (process::http::OK(JSON, jsonp) in
// 3rdparty/libprocess/src/http.cpp).
const (
	ContentTypeJSON  = "application/json"
	ContentTypeJSONP = "text/javascript"
)

// ParseJSONP reads the jsonp query parameter of the v0 endpoints: ok is
// false when it is absent. Mesos copies the callback into the response
// unchecked; we accept only JavaScript identifier characters and dots
// ([A-Za-z0-9_$.], not empty) so a request cannot inject script, and
// answer a *QueryError naming "jsonp" otherwise.
func ParseJSONP(q url.Values) (callback string, ok bool, err error) {
	vs, present := q["jsonp"]
	if !present || len(vs) == 0 {
		return "", false, nil
	}
	cb := vs[0]
	if cb == "" {
		return "", false, &QueryError{Param: "jsonp", Value: cb, Reason: "must not be empty"}
	}
	for i := 0; i < len(cb); i++ {
		c := cb[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c == '.') {
			return "", false, &QueryError{Param: "jsonp", Value: cb, Reason: "must contain only letters, digits, '_', '$' and '.'"}
		}
	}
	return cb, true, nil
}

// AppendJSONP appends callback(body) as Mesos wraps a JSON body for the
// jsonp parameter ("cb(" + json + ")", no semicolon), rendering the body
// in place so a large /master/state is not copied:
//
//	body := readonly.AppendJSONP(nil, cb, func(b []byte) []byte { return readonly.AppendState(b, snap) })
//
// Serve it with ContentTypeJSONP.
func AppendJSONP(dst []byte, callback string, render func([]byte) []byte) []byte {
	dst = append(dst, callback...)
	dst = append(dst, '(')
	dst = render(dst)
	return append(dst, ')')
}
