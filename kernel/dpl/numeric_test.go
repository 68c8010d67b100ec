package dpl

import "testing"

// Numeric and boolean matchers (spec/dpl.md §6).

func TestIntegers(t *testing.T) {
	f := parseChecker(t)
	f("INT:n", "42", "n=42")
	f("INTEGER:n", "-7x", "n=-7")
	f("INT:n", "+5", "n=5")
	f("INT:n", "007", "n=7")
	f("INT:n", "2147483647", "n=2147483647")
	f("INT:n", "-2147483648", "n=-2147483648")
	f("INT:n", "2147483648", "no match") // the longest token is out of range
	f("INT:n", "12abc", "n=12")
	f("INT:n", "no digits here", "no match") // parse-011
	f("INT:n", "-", "no match")
	f("LONG:n", "9223372036854775807", "n=9223372036854775807")
	f("LONG:n", "-9223372036854775808", "n=-9223372036854775808")
	f("LONG:n", "9223372036854775808", "no match")
	f("LONG:result", "45 46 47 48", "result=45")                           // dpl-011
	f("LONG:field1 ' ' LONG:field2", "45 46 47 48", "field1=45 field2=46") // dpl-011
	f("INT:a ',' INT?:b ',' INT:c", "1,2,3", "a=1 b=2 c=3")                // parse-008
	f("INT:a ',' INT?:b ',' INT:c", "1,,3", "a=1 b=null c=3")              // parse-008
	// min= and max= reject values outside the range.
	f("INT(min=50):n", "40", "no match")
	f("INT(min=50):n", "55", "n=55")
	f("INT(max=-1):n", "-1", "n=-1")
	f("LONG(min=1, max=3):n", "4", "no match")

	// A sign belongs to the number, so adjacent numbers split at signs.
	s := scanChecker(t)
	s("INT:i", "1-10+20", "0-1 i=1 | 1-4 i=-10 | 4-7 i=20") // dpl-010
	s("LONG", "2019-08-01", "0-4 | 4-7 | 7-10")             // the replacePattern example
	s("LONG:n", "2019-08-01", "0-4 n=2019 | 4-7 n=-8 | 7-10 n=-1")
	s("' $' LONG ' '", "one $1 two $4 three", "3-7 | 10-14") // dpl-015 separators
	s("' $' LONG ' '", "no separator", "")
}

func TestHex(t *testing.T) {
	f := parseChecker(t)
	f("HEXINT:n", "0xa01F", "n=40991")
	f("HEXINT:n", "-xFE", "n=-254")
	f("HEXINT:n", "0X1f", "n=31")
	f("HEXINT:n", "+x10", "n=16")
	f("HEXINT:n", "ff", "n=255")
	f("HEXINT:n", "12", "n=18")
	f("HEXINT:n 'xz'", "0xz", "n=0") // a prefix without digits is not taken
	f("HEXINT:n", "7fffffff", "n=2147483647")
	f("HEXINT:n", "-80000000", "n=-2147483648")
	f("HEXINT:n", "80000000", "no match")
	f("HEXLONG:n", "80000000", "n=2147483648")
	f("HEXLONG:n", "0x7fffffffffffffff", "n=9223372036854775807")
	f("HEXLONG:n", "-0x8000000000000000", "n=-9223372036854775808")
	f("HEXLONG:n", "0x8000000000000000", "no match")
	f("HEXINT:n", "g", "no match")
	f("HEXINT(min=16):n", "f", "no match")
}

func TestDoubles(t *testing.T) {
	f := parseChecker(t)
	f("DOUBLE:d", "3.14", "d=3.14")
	f("DOUBLE:d", "-2", "d=-2.0")
	f("FLOAT:d", "+2.", "d=2.0")
	f("DOUBLE:d", "1e3", "d=1000.0")
	f("DOUBLE:d", "1.5E-2x", "d=0.015")
	f("DOUBLE:d 'e'", "1e", "d=1.0")     // an incomplete exponent is not taken
	f("DOUBLE:d '.'", ".5.", "no match") // digits first
	f("DOUBLE:d", "1e999", "d=\"Infinity\"")
	f("CDOUBLE:d", "3,14", "d=3.14")
	f("CFLOAT:d", "-1,5e1", "d=-15.0")
	f("CDOUBLE:d ';'", "3.14;", "no match")
	f("FLOAT(min=1, max=3):d", "2.5", "d=2.5")
	f("FLOAT(min=1, max=3):d", "3.5", "no match")
	f("DOUBLE(min=-1e3):d", "-999", "d=-999.0")
}

func TestBooleans(t *testing.T) {
	f := parseChecker(t)
	f("BOOLEAN:b", "true", "b=true")
	f("BOOLEAN:b", "FALSE", "b=false")
	f("BOOL:b", "True!", "b=true")
	f("BOOLEAN:b", "tru", "no match")
	f("BOOLEAN:b", "yes", "no match")
}
