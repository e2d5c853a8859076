package shim

import (
	"errors"
	"strconv"
	"strings"
)

// codecVersion starts every encoded LaunchInfo; Decode refuses others.
const codecVersion = "v1;"

// Encode renders info for the Env variable. The format is a version tag
// followed by length-prefixed fields ("<len>:<bytes>") in a fixed order,
// lists as "<count>#" and then their elements, optional numbers as "-"
// (absent) or a string field: path, argv, env, dir, status_path,
// unstarted_path, uid, gid, groups. It replaces JSON because decoding it
// needs neither reflection nor encoding/json's package initialisation,
// which is a measurable part of a shim's start-up on a loaded machine.
func Encode(info LaunchInfo) string {
	var b strings.Builder
	b.WriteString(codecVersion)
	str := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	list := func(l []string) {
		b.WriteString(strconv.Itoa(len(l)))
		b.WriteByte('#')
		for _, s := range l {
			str(s)
		}
	}
	opt := func(p *uint32) {
		if p == nil {
			b.WriteByte('-')
			return
		}
		str(strconv.FormatUint(uint64(*p), 10))
	}
	str(info.Path)
	list(info.Argv)
	list(info.Env)
	str(info.Dir)
	str(info.StatusPath)
	str(info.UnstartedPath)
	opt(info.UID)
	opt(info.GID)
	groups := make([]string, len(info.Groups))
	for i, g := range info.Groups {
		groups[i] = strconv.FormatUint(uint64(g), 10)
	}
	list(groups)
	return b.String()
}

// decoder consumes an encoded LaunchInfo; the first error sticks.
type decoder struct {
	s    string
	err  error
	what string // what is decoded, for errors; "" is "launch info"
}

func (d *decoder) fail(field, msg string) {
	if d.err == nil {
		what := d.what
		if what == "" {
			what = "launch info"
		}
		d.err = errors.New("shim: decode " + what + ": " + field + ": " + msg)
	}
}

// num reads a decimal count terminated by sep.
func (d *decoder) num(field string, sep byte) int {
	if d.err != nil {
		return 0
	}
	i := strings.IndexByte(d.s, sep)
	if i < 0 {
		d.fail(field, "missing '"+string(sep)+"'")
		return 0
	}
	n, err := strconv.Atoi(d.s[:i])
	if err != nil || n < 0 || d.s[0] == '+' || d.s[0] == '-' {
		d.fail(field, "bad length "+strconv.Quote(d.s[:i]))
		return 0
	}
	d.s = d.s[i+1:]
	return n
}

func (d *decoder) str(field string) string {
	n := d.num(field, ':')
	if d.err != nil {
		return ""
	}
	if n > len(d.s) {
		d.fail(field, "length "+strconv.Itoa(n)+" exceeds the "+strconv.Itoa(len(d.s))+" bytes left")
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

func (d *decoder) list(field string) []string {
	n := d.num(field, '#')
	if d.err != nil {
		return nil
	}
	// Every element takes at least two bytes ("0:"): a count beyond that is
	// a lie, refused before allocating for it.
	if n > len(d.s)/2 {
		d.fail(field, "count "+strconv.Itoa(n)+" exceeds the input")
		return nil
	}
	var out []string
	if n > 0 {
		out = make([]string, n)
	}
	for i := range out {
		out[i] = d.str(field + "[" + strconv.Itoa(i) + "]")
	}
	return out
}

func (d *decoder) id(field string) *uint32 {
	if d.err != nil {
		return nil
	}
	if strings.HasPrefix(d.s, "-") {
		d.s = d.s[1:]
		return nil
	}
	v := d.uint32(field, d.str(field))
	return &v
}

func (d *decoder) uint32(field, s string) uint32 {
	if d.err != nil {
		return 0
	}
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		d.fail(field, "bad id "+strconv.Quote(s))
		return 0
	}
	return uint32(v)
}

// Decode parses what Encode produced. Bad input is an error naming the
// field, never a panic.
func Decode(s string) (LaunchInfo, error) {
	if !strings.HasPrefix(s, codecVersion) {
		return LaunchInfo{}, errors.New("shim: decode launch info: not " + strings.TrimSuffix(codecVersion, ";") + " encoding")
	}
	d := &decoder{s: s[len(codecVersion):]}
	var info LaunchInfo
	info.Path = d.str("path")
	info.Argv = d.list("argv")
	info.Env = d.list("env")
	info.Dir = d.str("dir")
	info.StatusPath = d.str("status_path")
	info.UnstartedPath = d.str("unstarted_path")
	info.UID = d.id("uid")
	info.GID = d.id("gid")
	for i, g := range d.list("groups") {
		info.Groups = append(info.Groups, d.uint32("groups["+strconv.Itoa(i)+"]", g))
	}
	if d.err == nil && d.s != "" {
		d.fail("groups", strconv.Itoa(len(d.s))+" trailing bytes")
	}
	if d.err != nil {
		return LaunchInfo{}, d.err
	}
	return info, nil
}
