package schedclient

import (
	"net/url"
	"testing"
)

func TestParseMaster(t *testing.T) {
	tests := []struct {
		in, want string // want "" for an error
	}{
		{"http://127.0.0.1:5050", "http://127.0.0.1:5050/api/v1/scheduler"},
		{"http://127.0.0.1:5050/", "http://127.0.0.1:5050/api/v1/scheduler"},
		{"127.0.0.1:5050", "http://127.0.0.1:5050/api/v1/scheduler"},
		{"https://mesos.example.com/proxy/", "https://mesos.example.com/proxy/api/v1/scheduler"},
		{"http://[::1]:5050", "http://[::1]:5050/api/v1/scheduler"},
		{"", ""},
		{"http://", ""},
		{"zk://zk1:2181/mesos", ""},
		{"http://u:p@m:5050", ""},
		{"http://m:5050#x", ""},
		{"http://m:5050/%zz", ""},
	}
	for _, tc := range tests {
		u, err := parseMaster(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("parseMaster(%q) = %v, want an error", tc.in, u)
		case tc.want != "" && err != nil:
			t.Errorf("parseMaster(%q) = %v, want %s", tc.in, err, tc.want)
		case tc.want != "" && u.String() != tc.want:
			t.Errorf("parseMaster(%q) = %s, want %s", tc.in, u, tc.want)
		}
	}
}

func TestResolveLocation(t *testing.T) {
	from, err := url.Parse("https://m1:5050/api/v1/scheduler")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		location, want string // want "" for an error
	}{
		// Master::Http::redirect: "//" + hostname + ":" + port + request url.
		{"//m2:5050/api/v1/scheduler", "https://m2:5050/api/v1/scheduler"},
		{"//m2:5050", "https://m2:5050/api/v1/scheduler"},
		{"//m2:5050/", "https://m2:5050/api/v1/scheduler"},
		// docs/scheduler-http-api.md "Master detection" example.
		{"m2:5050", "https://m2:5050/api/v1/scheduler"},
		{"http://m2:5050/api/v1/scheduler", "http://m2:5050/api/v1/scheduler"},
		{"/master/api/v1/scheduler", "https://m1:5050/master/api/v1/scheduler"},
		{"//u:p@m2:5050/api/v1/scheduler", "https://m2:5050/api/v1/scheduler"},
		{"", ""},
		{"ftp://m2/x", ""},
		{"://", ""},
		{"%zz", ""},
	}
	for _, tc := range tests {
		u, err := resolveLocation(from, tc.location)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("resolveLocation(%q) = %v, want an error", tc.location, u)
		case tc.want != "" && err != nil:
			t.Errorf("resolveLocation(%q) = %v, want %s", tc.location, err, tc.want)
		case tc.want != "" && u.String() != tc.want:
			t.Errorf("resolveLocation(%q) = %s, want %s", tc.location, u, tc.want)
		}
	}
}
