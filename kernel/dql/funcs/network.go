package funcs

import (
	"net/netip"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Network functions (spec §10.7). Arguments may be ip values or strings, which are
// parsed; IPv4-mapped IPv6 addresses count as IPv4.
//
//	data record(ip = "10.0.4.17") | fieldsAdd ipIn(ip, "10.0.0.0/8"), ipIsPrivate(ip), ipMask(ip, 16)

func init() {
	register(
		&Func{Name: "ipIn", NullIn: true, Params: []Param{req("needle"), rest("haystack")},
			Call: callIPIn, Prepare: prepareIPIn,
			Doc: "ipIn(needle, haystack, …) → boolean: whether an address of needle (ip, string or array) lies in a haystack address or CIDR range (\"10.0.0.0/8\"); a CIDR needle never matches"},
		ipTest("ipIsPrivate", "a private address (RFC 1918, IPv6 unique local); loopback is not private", netip.Addr.IsPrivate),
		ipTest("ipIsLoopback", "a loopback address (127.0.0.0/8, ::1)", netip.Addr.IsLoopback),
		ipTest("ipIsLinkLocal", "a link-local address (169.254.0.0/16, fe80::/10)", netip.Addr.IsLinkLocalUnicast),
		ipTest("ipIsPublic", "a public address: global unicast and not private", func(a netip.Addr) bool {
			return a.IsGlobalUnicast() && !a.IsPrivate()
		}),
		isIPFn("isIp", "an IPv4 or IPv6 address", func(netip.Addr) bool { return true }),
		isIPFn("isIpV4", "an IPv4 address", netip.Addr.Is4),
		isIPFn("isIpV6", "an IPv6 address", func(a netip.Addr) bool { return a.Is6() }),
		&Func{Name: "ipMask", Params: []Param{req("ip"), req("maskBits"), opt("ipv6MaskBits", value.Value{})},
			Call: callIPMask,
			Doc:  "ipMask(x, bits [, ipv6MaskBits: n]) → ip: x with all but the first bits (IPv6: n, default bits) set to 0"},
	)
}

// addrOf reads an address from an ip value or a string.
func addrOf(v value.Value) (netip.Addr, bool) {
	if a, ok := v.IP(); ok {
		return a, true
	}
	if s, ok := v.Str(); ok {
		a, ok := parseIP(strings.TrimSpace(s))
		return a.Unmap(), ok
	}
	return netip.Addr{}, false
}

func ipTest(name, what string, test func(netip.Addr) bool) *Func {
	return &Func{Name: name, Params: []Param{req("ip")},
		Call: func(_ *Env, args []value.Value) value.Value {
			a, ok := addrOf(arg(args, 0))
			if !ok {
				return value.Value{}
			}
			return value.Bool(test(a))
		},
		Doc: name + "(x) → boolean: whether x is " + what + "; not an address → null"}
}

// isIPFn makes isIp/isIpV4/isIpV6: strings are validated as written (so
// "::ffff:1.2.3.4" is IPv6 text), never null for non-null input.
func isIPFn(name, what string, test func(netip.Addr) bool) *Func {
	return &Func{Name: name, Params: []Param{req("value")},
		Call: func(_ *Env, args []value.Value) value.Value {
			v := arg(args, 0)
			if a, ok := v.IP(); ok {
				return value.Bool(test(a))
			}
			if s, ok := v.Str(); ok {
				a, ok := parseIP(s)
				return value.Bool(ok && test(a))
			}
			if v.IsNull() {
				return value.Value{}
			}
			return value.False
		},
		Doc: name + "(x) → boolean: whether x is " + what + " (an ip value, or a string holding one)"}
}

// ipNeedles collects the addresses of ipIn's needle; CIDR strings are left out, as
// they never match.
func ipNeedles(v value.Value, out []netip.Addr) ([]netip.Addr, bool) {
	if elems, ok := v.Array(); ok {
		for _, e := range elems {
			if a, ok := addrOf(e); ok {
				out = append(out, a)
			}
		}
		return out, true
	}
	if a, ok := addrOf(v); ok {
		return append(out, a), true
	}
	_, isStr := v.Str()
	return out, isStr
}

// ipRanges collects the haystack as prefixes (an address is a full-length prefix).
func ipRanges(vs []value.Value) []netip.Prefix {
	var out []netip.Prefix
	var add func(v value.Value)
	add = func(v value.Value) {
		if elems, ok := v.Array(); ok {
			for _, e := range elems {
				add(e)
			}
			return
		}
		if a, ok := addrOf(v); ok {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			return
		}
		if s, ok := v.Str(); ok {
			if p, err := netip.ParsePrefix(strings.TrimSpace(s)); err == nil {
				a := p.Addr().Unmap()
				bits := p.Bits()
				if p.Addr().Is4In6() {
					bits -= 96
				}
				if bits >= 0 {
					if q, err := a.Prefix(bits); err == nil {
						out = append(out, q)
					}
				}
			}
		}
	}
	for _, v := range vs {
		add(v)
	}
	return out
}

func ipInRanges(needle value.Value, ranges []netip.Prefix) value.Value {
	if needle.IsNull() {
		return value.Value{}
	}
	var buf [4]netip.Addr
	addrs, ok := ipNeedles(needle, buf[:0])
	if !ok {
		return value.Value{}
	}
	for _, a := range addrs {
		for _, p := range ranges {
			if p.Contains(a) {
				return value.True
			}
		}
	}
	return value.False
}

// callIPIn implements ipIn with args [needle, haystack...].
func callIPIn(_ *Env, args []value.Value) value.Value {
	return ipInRanges(arg(args, 0), ipRanges(tail(args, 1)))
}

// prepareIPIn parses a constant haystack once.
func prepareIPIn(consts []value.Value, isConst []bool) (CallFn, error) {
	if len(consts) < 2 || !allConst(isConst, 1) {
		return nil, nil
	}
	ranges := ipRanges(consts[1:])
	return func(_ *Env, args []value.Value) value.Value {
		return ipInRanges(arg(args, 0), ranges)
	}, nil
}

// callIPMask implements ipMask(x, bits, ipv6MaskBits:).
func callIPMask(_ *Env, args []value.Value) value.Value {
	a, ok1 := addrOf(arg(args, 0))
	bits, ok2 := intOf(arg(args, 1))
	if !ok1 || !ok2 {
		return value.Value{}
	}
	if a.Is6() {
		if v6 := arg(args, 2); !v6.IsNull() {
			if bits, ok2 = intOf(v6); !ok2 {
				return value.Value{}
			}
		}
	}
	if bits < 0 || bits > int64(a.BitLen()) {
		return value.Value{}
	}
	p, err := a.Prefix(int(bits))
	if err != nil {
		return value.Value{}
	}
	return value.IP(p.Addr())
}
