package agent

import (
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
)

// newRand returns the agent's random source: seeded from seed, or from the operating
// system when seed is zero. It drives the registration backoff (os::random() in
// Slave::doReliableRegistration) and the UUIDs of status updates and containers
// (id::UUID::random()), so a seeded agent is reproducible.
func newRand(seed uint64) *rand.Rand {
	if seed == 0 {
		var b [8]byte
		_, _ = crand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:]) | 1
	}
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// newUUID returns 16 random bytes with the version 4 and variant bits set, as
// id::UUID::random() (a boost random UUID) does.
func newUUID(r *rand.Rand) []byte {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint64(b[:8], r.Uint64())
	binary.LittleEndian.PutUint64(b[8:], r.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return b
}

// uuidString renders a UUID in its canonical 8-4-4-4-12 form (id::UUID::toString),
// the form of container IDs.
func uuidString(b []byte) string {
	if len(b) != 16 {
		return hex.EncodeToString(b)
	}
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	return string(s[:])
}
