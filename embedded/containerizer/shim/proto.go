package shim

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
)

// MsgType is the kind of a supervisor protocol message (its first byte).
type MsgType byte

// The supervisor protocol's messages. The agent sends Hello once connected
// and Launch per container; the supervisor answers Hello with Tasks (the
// tasks it supervises), Launch with Launched, pushes Exited for every task
// that ended (after its status file is written and its session is gone),
// and says Bye before it closes a connection whose agent hung up: Exiting
// true means the supervisor exits (no live task), false that it stays with
// its tasks.
const (
	MsgHello    MsgType = 'H'
	MsgTasks    MsgType = 'T'
	MsgLaunch   MsgType = 'L'
	MsgLaunched MsgType = 'R'
	MsgExited   MsgType = 'X'
	MsgBye      MsgType = 'B'
)

// MaxFrame bounds a frame's body: a launch carries an environment, but
// nothing near this.
const MaxFrame = 8 << 20

// Task is one supervised task as listed in a Tasks message.
type Task struct {
	Key       string
	PID       int
	StartTime uint64
}

// Message is one supervisor protocol message. Which fields travel depends
// on Type:
//
//	Hello:    (none)
//	Tasks:    Tasks
//	Launch:   Key, Info, NumFDs (stdout, stderr[, cgroup dir] as SCM_RIGHTS)
//	Launched: Key, PID, StartTime, Err (PID 0 and Err set: the exec failed)
//	Exited:   Key, PID, Status (the task's raw wait status)
//	Bye:      Exiting
type Message struct {
	Type      MsgType
	Key       string
	PID       int
	StartTime uint64
	Status    int32
	Err       string
	Info      LaunchInfo
	NumFDs    int
	Tasks     []Task
	Exiting   bool
}

// AppendFrame appends msg as one frame: a 4-byte big-endian body length,
// then the body: the type byte and the type's fields, each "<len>:<bytes>"
// as in Encode (numbers in decimal; the launch info as one such field
// holding Encode's output).
func AppendFrame(dst []byte, msg Message) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0, byte(msg.Type))
	str := func(s string) {
		dst = strconv.AppendInt(dst, int64(len(s)), 10)
		dst = append(dst, ':')
		dst = append(dst, s...)
	}
	num := func(v int64) { str(strconv.FormatInt(v, 10)) }
	switch msg.Type {
	case MsgTasks:
		num(int64(len(msg.Tasks)))
		for _, t := range msg.Tasks {
			str(t.Key)
			num(int64(t.PID))
			str(strconv.FormatUint(t.StartTime, 10))
		}
	case MsgLaunch:
		str(msg.Key)
		str(Encode(msg.Info))
		num(int64(msg.NumFDs))
	case MsgLaunched:
		str(msg.Key)
		num(int64(msg.PID))
		str(strconv.FormatUint(msg.StartTime, 10))
		str(msg.Err)
	case MsgExited:
		str(msg.Key)
		num(int64(msg.PID))
		num(int64(msg.Status))
	case MsgBye:
		if msg.Exiting {
			num(1)
		} else {
			num(0)
		}
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst
}

// FrameLen returns the length of the frame at the start of b (header
// included), or 0 when b does not hold its header yet. A body longer than
// MaxFrame is an error.
func FrameLen(b []byte) (int, error) {
	if len(b) < 4 {
		return 0, nil
	}
	n := binary.BigEndian.Uint32(b)
	if n == 0 || n > MaxFrame {
		return 0, errors.New("shim: decode frame: body length " + strconv.FormatUint(uint64(n), 10) + " out of range 1.." + strconv.Itoa(MaxFrame))
	}
	return 4 + int(n), nil
}

// DecodeMessage parses a frame's body (without the length header). Bad
// input is an error naming the field, never a panic.
func DecodeMessage(body []byte) (Message, error) {
	if len(body) == 0 {
		return Message{}, errors.New("shim: decode message: empty body")
	}
	msg := Message{Type: MsgType(body[0])}
	d := &decoder{s: string(body[1:]), what: "message"}
	num := func(field string, bits int) int64 {
		s := d.str(field)
		if d.err != nil {
			return 0
		}
		v, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			d.fail(field, "bad number "+strconv.Quote(s))
		}
		return v
	}
	unum := func(field string) uint64 {
		s := d.str(field)
		if d.err != nil {
			return 0
		}
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			d.fail(field, "bad number "+strconv.Quote(s))
		}
		return v
	}
	switch msg.Type {
	case MsgHello:
	case MsgTasks:
		n := num("tasks", 32)
		// Every task takes at least six bytes ("0:1:01:0"): refuse a count
		// the input cannot hold before allocating for it.
		if d.err == nil && (n < 0 || n > int64(len(d.s)/6)) {
			d.fail("tasks", "count "+strconv.FormatInt(n, 10)+" exceeds the input")
		}
		for i := int64(0); d.err == nil && i < n; i++ {
			f := "tasks[" + strconv.FormatInt(i, 10) + "]"
			t := Task{Key: d.str(f + ".key")}
			t.PID = int(num(f+".pid", 32))
			t.StartTime = unum(f + ".start_time")
			msg.Tasks = append(msg.Tasks, t)
		}
	case MsgLaunch:
		msg.Key = d.str("key")
		spec := d.str("info")
		if d.err == nil {
			info, err := Decode(spec)
			if err != nil {
				d.fail("info", err.Error())
			}
			msg.Info = info
		}
		msg.NumFDs = int(num("num_fds", 8))
		if d.err == nil && (msg.NumFDs < 0 || msg.NumFDs > 3) {
			d.fail("num_fds", strconv.Itoa(msg.NumFDs)+" not in 0..3")
		}
	case MsgLaunched:
		msg.Key = d.str("key")
		msg.PID = int(num("pid", 32))
		msg.StartTime = unum("start_time")
		msg.Err = d.str("err")
	case MsgExited:
		msg.Key = d.str("key")
		msg.PID = int(num("pid", 32))
		msg.Status = int32(num("status", 32))
	case MsgBye:
		msg.Exiting = num("exiting", 8) != 0
	default:
		return Message{}, errors.New("shim: decode message: unknown type " + strconv.QuoteRune(rune(body[0])))
	}
	if d.err == nil && d.s != "" {
		d.fail("body", strconv.Itoa(len(d.s))+" trailing bytes")
	}
	if d.err != nil {
		return Message{}, d.err
	}
	if msg.PID < 0 {
		return Message{}, errors.New("shim: decode message: pid: negative")
	}
	for _, t := range msg.Tasks {
		if t.PID <= 0 {
			return Message{}, errors.New("shim: decode message: tasks: pid " + strconv.Itoa(t.PID) + " not positive")
		}
	}
	return msg, nil
}

// keyOK reports whether a container key is acceptable in a message.
func keyOK(k string) bool { return k != "" && !strings.ContainsRune(k, 0) }
