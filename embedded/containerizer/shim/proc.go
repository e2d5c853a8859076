package shim

import (
	"bytes"
	"errors"
	"os"
	"strconv"
)

// parseStatIDs extracts ppid (field 4) and session (field 6) from a
// /proc/<pid>/stat line; comm (field 2) may contain spaces and parentheses,
// so the fields are counted from its last ')'.
func parseStatIDs(b []byte) (ppid, session int, err error) {
	closing := bytes.LastIndexByte(b, ')')
	if closing < 0 {
		return 0, 0, errors.New("proc stat: no comm")
	}
	f := bytes.Fields(b[closing+1:])
	if len(f) < 4 {
		return 0, 0, errors.New("proc stat: too few fields")
	}
	if ppid, err = strconv.Atoi(string(f[1])); err != nil {
		return 0, 0, err
	}
	if session, err = strconv.Atoi(string(f[3])); err != nil {
		return 0, 0, err
	}
	return ppid, session, nil
}

// leftovers returns the processes that are in self's session or are
// self's children: everything the shim must kill and reap.
func leftovers(self int) []int {
	d, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil
	}
	var out []int
	for _, n := range names {
		pid, err := strconv.Atoi(n)
		if err != nil || pid == self {
			continue
		}
		b, err := os.ReadFile("/proc/" + n + "/stat")
		if err != nil {
			continue
		}
		ppid, sid, err := parseStatIDs(b)
		if err == nil && (sid == self || ppid == self) {
			out = append(out, pid)
		}
	}
	return out
}

// parseStatStartTime extracts starttime (field 22, in clock ticks after
// boot) from a /proc/<pid>/stat line.
func parseStatStartTime(b []byte) (uint64, error) {
	closing := bytes.LastIndexByte(b, ')')
	if closing < 0 {
		return 0, errors.New("proc stat: no comm")
	}
	f := bytes.Fields(b[closing+1:])
	// Fields after comm start at field 3, so field 22 is f[19].
	if len(f) < 20 {
		return 0, errors.New("proc stat: too few fields")
	}
	return strconv.ParseUint(string(f[19]), 10, 64)
}
