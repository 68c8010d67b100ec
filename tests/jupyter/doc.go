// Package jupyter tests `trailbook kernel` with Jupyter's own tools, as users run
// it: Debian's jupyter-client, nbclient and nbconvert (installed by `make
// jupyter-deps`) find the kernelspec that `trailbook kernelspec install` wrote, start
// the kernel, execute notebooks of the tutorial's queries, interrupt it and shut it
// down.
//
// The tools run under Debian's /usr/bin/python3, whatever python3 comes first on
// PATH. Without them the tests skip, saying how to install them; under CI=true they
// fail instead. TRAILBOOK_BIN names the binary to test; by default the tests build
// one.
package jupyter
