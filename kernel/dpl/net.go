package dpl

import (
	"net/netip"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// ipAtom matches addresses (spec/dpl.md §7): IPADDR/IP take the longer of an IPv4 and
// an IPv6 reading, IPV4/IPV4ADDR and IPV6/IPV6ADDR only their own family.
type ipAtom struct{ v4, v6 bool }

// maxIPv6Text is the longest IPv6 text without a zone
// ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255").
const maxIPv6Text = 45

// scanIPv4 reads four dotted decimal octets (0–255, up to three digits each).
func scanIPv4(in string, pos int) (end int, addr [4]byte, ok bool) {
	i := pos
	for k := 0; k < 4; k++ {
		if k > 0 {
			if i >= len(in) || in[i] != '.' {
				return 0, addr, false
			}
			i++
		}
		start, v := i, 0
		for i < len(in) && isDigit(in[i]) {
			if i-start == 3 {
				return 0, addr, false // a fourth digit: no octet
			}
			v = v*10 + int(in[i]-'0')
			i++
		}
		if i == start || v > 255 {
			return 0, addr, false
		}
		addr[k] = byte(v)
	}
	return i, addr, true
}

// scanIPv6 returns the longest prefix of in[pos:] that is IPv6 hextet notation.
func scanIPv6(in string, pos int) (end int, addr netip.Addr, ok bool) {
	n, colons := 0, 0
	for pos+n < len(in) && n < maxIPv6Text {
		c := in[pos+n]
		if !isHex(c) && c != ':' && c != '.' {
			break
		}
		if c == ':' {
			colons++
		}
		n++
	}
	if colons < 2 {
		return 0, addr, false
	}
	for ; n >= 2; n-- {
		c := in[pos+n-1]
		if c == '.' || c == ':' && (n < 2 || in[pos+n-2] != ':') {
			continue // a valid address ends in a hex digit or "::"
		}
		a, err := netip.ParseAddr(in[pos : pos+n])
		if err == nil && a.Is6() {
			return pos + n, a, true
		}
	}
	return 0, addr, false
}

func (a *ipAtom) scan(in string, pos int) (int, value.Value, bool) {
	end4, b, ok4 := 0, [4]byte{}, false
	if a.v4 {
		end4, b, ok4 = scanIPv4(in, pos)
	}
	if a.v6 {
		if end6, addr, ok6 := scanIPv6(in, pos); ok6 && (!ok4 || end6 > end4) {
			return end6, value.IP(addr), true
		}
	}
	if ok4 {
		return end4, value.IP(netip.AddrFrom4(b)), true
	}
	return 0, value.Value{}, false
}

func (a *ipAtom) match(in string, pos int) (int, bool) {
	end, _, ok := a.scan(in, pos)
	return end, ok
}

func (a *ipAtom) value(in string, start, end int) value.Value {
	_, v, _ := a.scan(in, start)
	return v
}

func (a *ipAtom) first(s *byteSet) bool {
	s.addString("0123456789")
	if a.v6 {
		s.addString("abcdefABCDEF:")
	}
	return false
}
