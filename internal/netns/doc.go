// Package netns builds small Linux network topologies out of named network
// namespaces (`ip netns`) and veth pairs, so that mesoscope's master and
// agents can run as separate OS processes on private addresses of one
// machine and be cut off from each other: a network partition that the
// master's health checks see (SlaveObserver in src/master/master.cpp, agent
// ping timeouts in src/slave/slave.cpp Slave::pingTimeout) and that heals.
//
// It is a test harness, used by cmd/mesoscope's partition test; it drives
// the `ip` command of iproute2 rather than netlink (no golang.org/x/sys) and
// needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN). Available says whether this
// machine can run it, and why not.
//
//	         hub namespace (e.g. the master's)
//	         lo 10.213.0.1/32
//	   l1 10.213.1.1/30      l2 10.213.2.1/30   ...
//	       │ veth                │ veth
//	eth0 10.213.1.2/30    eth0 10.213.2.2/30
//	leaf namespace 1      leaf namespace 2     (e.g. the agents')
//	default via .1        default via .1
//
// Partition(i) sets the hub's end of leaf i's veth down: the hub loses its
// route to the leaf and the leaf's packets are dropped, in both directions,
// without closing any socket (TCP connections stay established and
// retransmit, as in a real partition). Heal(i) sets it up again.
//
// Nothing listens or changes in the root namespace: processes are started in
// a namespace with `ip netns exec` (Namespace.Command), and the calling
// process reaches into one with Namespace.DialContext, which creates its
// socket on an OS thread switched into the namespace with setns(2) and
// switched back afterwards.
//
// Names: every namespace of one process starts with Prefix(os.Getpid())
// ("msc-<pid>-"), so Sweep can delete the namespaces of processes that died
// without cleaning up, and never those of one still running.
package netns
