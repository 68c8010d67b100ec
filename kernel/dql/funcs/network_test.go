package funcs

import "testing"

func TestNetwork(t *testing.T) {
	f := check(t)

	f(B(true), "ipIn", IPv("10.1.2.3"), S("10.0.0.0/8"))
	f(B(true), "ipIn", S("10.1.2.3"), S("192.168.0.0/16"), A(S("172.16.0.0/12"), S("10.0.0.0/8")))
	f(B(false), "ipIn", S("11.1.2.3"), S("10.0.0.0/8"), S("not an ip"), null)
	f(B(true), "ipIn", S("2001:db8::1"), S("2001:db8::/32"))
	f(B(false), "ipIn", S("10.0.0.1"), S("::/0")) // families do not mix
	f(B(true), "ipIn", S("::ffff:10.0.0.1"), S("10.0.0.0/8"))
	f(B(true), "ipIn", S("10.0.0.1"), S("::ffff:10.0.0.0/104"))
	f(B(true), "ipIn", S("10.0.0.1"), IPv("10.0.0.1"))
	f(B(false), "ipIn", S("ec2.amazonaws.com"), S("10.0.0.0/8"))
	f(B(false), "ipIn", A(), S("10.0.0.0/8"))
	f(null, "ipIn", null, S("10.0.0.0/8"))
	f(null, "ipIn", L(1), S("10.0.0.0/8"))

	f(B(true), "ipIsPrivate", IPv("192.168.1.1"))
	f(B(true), "ipIsPrivate", S("fd00::1"))
	f(B(false), "ipIsPrivate", S("172.32.0.1"))
	f(null, "ipIsPrivate", S("localhost"))
	f(null, "ipIsPrivate", L(1))
	f(B(true), "ipIsLinkLocal", S("169.254.10.1"))
	f(B(true), "ipIsLinkLocal", S("fe80::1"))
	f(B(false), "ipIsLinkLocal", S("10.0.0.1"))
	f(B(true), "ipIsPublic", S("8.8.8.8"))
	f(B(true), "ipIsPublic", S("2606:4700::1111"))
	f(B(false), "ipIsPublic", S("10.0.0.1"))
	f(B(false), "ipIsPublic", S("127.0.0.1"))
	f(B(false), "ipIsPublic", S("169.254.0.1"))
	f(B(false), "ipIsPublic", S("0.0.0.0"))

	f(B(false), "isIp", L(167772161))
	f(B(false), "isIp", S(" 10.0.0.1"))
	f(B(false), "isIp", S("fe80::1%eth0"))
	f(B(true), "isIpV6", S("::ffff:1.2.3.4"))
	f(B(false), "isIpV4", S("::ffff:1.2.3.4"))
	f(B(true), "isIpV6", IPv("::1"))
	f(B(false), "isIpV6", A())

	f(IPv("2001:db8::"), "ipMask", S("2001:db8:1:2::1"), L(8), N("ipv6MaskBits", L(32)))
	f(IPv("2000::"), "ipMask", S("2001:db8:1:2::1"), L(8))
	f(IPv("10.1.2.3"), "ipMask", IPv("10.1.2.3"), L(32))
	f(IPv("0.0.0.0"), "ipMask", IPv("10.1.2.3"), L(0))
	f(null, "ipMask", IPv("10.1.2.3"), L(33))
	f(null, "ipMask", IPv("10.1.2.3"), L(-1))
	f(null, "ipMask", S("nope"), L(8))
}
