package netns

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
)

// MaxLeaves bounds a Star: leaf i uses the subnet 10.213.i.0/30.
const MaxLeaves = 254

// HubAddr is the hub's address, 10.213.0.1, on its loopback: every leaf
// reaches it through its own veth, so the hub keeps one address whichever
// leaf is cut off.
func HubAddr() netip.Addr { return netip.AddrFrom4([4]byte{10, 213, 0, 1}) }

// Star is a hub namespace with leaf namespaces, each joined to the hub by a
// veth pair on a /30 of 10.213.0.0/16 (see the package comment).
type Star struct {
	// Hub is the hub namespace; HubAddr is on its loopback.
	Hub *Namespace
	// Leaves are the leaf namespaces, in the order given to NewStar.
	Leaves []*Namespace
}

// LeafAddr is leaf i's address, 10.213.(i+1).2.
func LeafAddr(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, 213, byte(i + 1), 2}) }

// hubSide is the hub's address on leaf i's veth, 10.213.(i+1).1.
func hubSide(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, 213, byte(i + 1), 1}) }

// hubLink names the hub's end of leaf i's veth ("l1", "l2", ...); the
// leaf's end is "eth0".
func hubLink(i int) string { return "l" + strconv.Itoa(i+1) }

// NewStar creates the hub namespace and one leaf namespace per leaf name,
// and wires them. On error everything made so far is deleted.
func NewStar(ctx context.Context, hub string, leaves ...string) (s *Star, err error) {
	if len(leaves) == 0 || len(leaves) > MaxLeaves {
		return nil, fmt.Errorf("netns: star: %d leaves: want 1 to %d", len(leaves), MaxLeaves)
	}
	s = &Star{}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.Close(context.WithoutCancel(ctx)))
			s = nil
		}
	}()
	if s.Hub, err = Add(ctx, hub); err != nil {
		return s, err
	}
	if err = s.Hub.IP(ctx, "addr", "add", HubAddr().String()+"/32", "dev", "lo"); err != nil {
		return s, fmt.Errorf("netns: star: %w", err)
	}
	for i, name := range leaves {
		leaf, err := Add(ctx, name)
		if err != nil {
			return s, err
		}
		s.Leaves = append(s.Leaves, leaf)
		hl := hubLink(i)
		steps := [][]string{
			{"link", "add", hl, "type", "veth", "peer", "name", "eth0", "netns", leaf.Name},
			{"addr", "add", hubSide(i).String() + "/30", "dev", hl},
			{"link", "set", hl, "up"},
		}
		for _, st := range steps {
			if err := s.Hub.IP(ctx, st...); err != nil {
				return s, fmt.Errorf("netns: star: leaf %s: %w", name, err)
			}
		}
		leafSteps := [][]string{
			{"addr", "add", LeafAddr(i).String() + "/30", "dev", "eth0"},
			{"link", "set", "eth0", "up"},
			{"route", "add", "default", "via", hubSide(i).String()},
		}
		for _, st := range leafSteps {
			if err := leaf.IP(ctx, st...); err != nil {
				return s, fmt.Errorf("netns: star: leaf %s: %w", name, err)
			}
		}
	}
	return s, nil
}

// Partition cuts leaf i off: the hub's end of its veth goes down.
func (s *Star) Partition(ctx context.Context, i int) error {
	if i < 0 || i >= len(s.Leaves) {
		return fmt.Errorf("netns: partition: no leaf %d of %d", i, len(s.Leaves))
	}
	if err := s.Hub.IP(ctx, "link", "set", hubLink(i), "down"); err != nil {
		return fmt.Errorf("netns: partition %s: %w", s.Leaves[i].Name, err)
	}
	return nil
}

// Heal joins leaf i again: the hub's end of its veth comes up, and with
// it the hub's route to the leaf.
func (s *Star) Heal(ctx context.Context, i int) error {
	if i < 0 || i >= len(s.Leaves) {
		return fmt.Errorf("netns: heal: no leaf %d of %d", i, len(s.Leaves))
	}
	if err := s.Hub.IP(ctx, "link", "set", hubLink(i), "up"); err != nil {
		return fmt.Errorf("netns: heal %s: %w", s.Leaves[i].Name, err)
	}
	return nil
}

// Close deletes every namespace of the star (their veths go with them),
// killing the processes still inside: stop them gracefully first.
func (s *Star) Close(ctx context.Context) error {
	var errs []error
	all := s.Leaves
	if s.Hub != nil {
		all = append(slices.Clone(all), s.Hub)
	}
	for _, n := range all {
		if _, err := n.KillAll(ctx); err != nil {
			errs = append(errs, err)
		}
		errs = append(errs, n.Delete(ctx))
	}
	s.Leaves, s.Hub = nil, nil
	return errors.Join(errs...)
}
