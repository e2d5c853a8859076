package tui

// status is what the header shows about the master and the stream; the
// renderer fills it into every frame so the header is as fresh as the body.
type status struct {
	master    string
	version   string
	mesoscope bool
	conn      connState
	stream    streamState
}

// statusOf summarises a model and the stream.
func statusOf(m *model, st streamState) status {
	s := status{stream: st}
	if m == nil {
		return s
	}
	s.conn = m.conn
	s.master = m.conn.master
	if m.snap != nil {
		s.version = m.snap.Cluster.Version
		s.mesoscope = m.snap.Mesoscope
		if s.master == "" {
			s.master = m.snap.Source
		}
	}
	return s
}
