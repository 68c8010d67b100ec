// Package browser holds trailbook's end-to-end tests of the notebook UI: headless
// Chromium (Debian's /usr/bin/chromium, driven by chromedp) against the real
// `trailbook serve` on 127.0.0.1. The tests build only with the browser tag:
//
//	notebook/ui/build.sh && go test -tags browser -count=1 ./tests/browser
//
// They build the binary themselves, or use the one $TRAILBOOK_BIN names. They
// need no network: the server serves the embedded demo data (or logs the test
// ingests), and the page loads nothing from anywhere else.
package browser
