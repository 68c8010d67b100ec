package dpl

import "testing"

// Network matchers (spec/dpl.md §7).

func TestAddresses(t *testing.T) {
	f := parseChecker(t)
	f("IPADDR:ip", "192.168.0.1", "ip=ip:192.168.0.1")
	f("IP:ip", "10.6.24.18 x", "ip=ip:10.6.24.18")
	f("IPADDR:ip", "010.001.002.003", "ip=ip:10.1.2.3")
	f("IPADDR:ip", "1.2.3.4:80", "ip=ip:1.2.3.4")
	f("IPADDR:ip", "1.2.3.4.5", "ip=ip:1.2.3.4")
	f("IPADDR:ip", "10.0.0.256", "no match")
	f("IPADDR:ip", "1.2.3.4567", "no match")
	f("IPADDR:ip", "1.2.3", "no match")
	f("IPADDR:ip", "::1", "ip=ip:::1")
	f("IPADDR:ip", "2001:db8::1 x", "ip=ip:2001:db8::1")
	f("IPADDR:ip", "2001:DB8:0:0:0:0:0:1", "ip=ip:2001:db8::1")
	f("IPADDR:ip", "1:2:3:4:5:6:7:8", "ip=ip:1:2:3:4:5:6:7:8")
	f("IPADDR:ip", "fe80::1%eth0", "ip=ip:fe80::1")
	f("IPADDR:ip", "fe80::", "ip=ip:fe80::")
	f("IPADDR:ip", "::ffff:1.2.3.4", "ip=ip:1.2.3.4") // DQL keeps mapped addresses as IPv4
	f("IPADDR:ip", "dead:beef", "no match")
	f("'[' IPV6:ip ']:' INT:port", "[2001:db8::1]:443", "ip=ip:2001:db8::1 port=443")
	f("IPV4:ip", "::1", "no match")
	f("IPV4ADDR:ip", "8.8.8.8", "ip=ip:8.8.8.8")
	f("IPV6:ip", "1.2.3.4", "no match")
	f("IPV6ADDR:ip", "::", "ip=ip:::")
	f("IPV4:ip LD HTTPDATE:time ']' LD:text",
		"117.16.75.9--[14/Mar/2016:23:34:25 +0200] GET//setup.php HTTP/1.1 404 474",
		`ip=ip:117.16.75.9 time=ts:2016-03-14T21:34:25Z text=" GET//setup.php HTTP/1.1 404 474"`) // parse-001
	f("( INT:sequence LD:username IPADDR:ip)(fs=',')", "1,alice,192.168.1.1",
		`sequence=1 username="alice" ip=ip:192.168.1.1`) // parse-003
	f("( INT:sequence LD:username IPADDR:ip)(fs=',')", "2,,10.6.24.18", "no match") // parse-003

	m := matchChecker(t)
	m("TIME ' : ' IP", "2023-11-01 12:55:59 : 192.168.0.1", true) // dpl-013
	m("TIME ' : ' IP", "2023-11-01 12:52:12 : 766", false)        // dpl-013

	// The documented lookbehind: addresses whose last octet is at least 50.
	s := scanChecker(t)
	s("IPADDR:ip_addr <<INT(min=50) EOL", "1.2.3.4\n1.2.3.40\n1.2.3.55\n", "17-26 ip_addr=ip:1.2.3.55")
}
