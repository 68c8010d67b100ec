# trailbook: the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/trailbook
SHARED  ?= ../shared

.PHONY: build ui run test vet unit jupyter-deps conformance browser browser-deps fuzz bench docs-images clean

# The UI's npm packages come from the committed lockfile and are bundled into
# notebook/ui/dist, which the binary embeds.
build: ui
	$(GO) build -o $(BIN) ./cmd/trailbook

ui:
	notebook/ui/build.sh

# Serves the notebook on 127.0.0.1:8888 over the embedded demo data; open the URL it prints.
run: build
	$(BIN) serve

vet:
	$(GO) vet ./...
	$(GO) vet -tags browser ./tests/browser/...
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed on:"; gofmt -l .; exit 1)

# TRAILBOOK_JUPYTER_CLIENT runs the @jupyterlab/services acceptance test (node, npm).
unit: ui jupyter-deps
	TRAILBOOK_JUPYTER_CLIENT=1 $(GO) test -count=1 ./...

# Debian's Jupyter packages, which tests use through /usr/bin/python3 and
# /usr/bin/jupyter: the official nbformat validator, nbconvert, nbclient.
JUPYTER_DEBS := jupyter-nbconvert python3-nbclient jupyter-client python3-nbformat
jupyter-deps:
	@/usr/bin/python3 -c 'import nbformat, nbclient, jupyter_client' 2>/dev/null && test -x /usr/bin/jupyter-nbconvert || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing $(JUPYTER_DEBS) for the tests"; apt-get update -qq && apt-get install -y -qq $(JUPYTER_DEBS) >/dev/null; \
	  else echo "error: the tests need Jupyter's packages: apt-get install -y $(JUPYTER_DEBS)" >&2; exit 1; fi; }

# The shared DQL conformance cases, run against the built binary.
conformance: build
	@test -d $(SHARED)/conformance || (echo "error: $(SHARED)/conformance not found: clone shared/ beside this repository" >&2; exit 1)
	python3 $(SHARED)/conformance/run.py --bin ./$(BIN)

# Browser tests drive Debian's Chromium headless against the real server.
browser: build browser-deps
	TRAILBOOK_BIN=$(CURDIR)/$(BIN) $(GO) test -tags browser -count=1 ./tests/browser

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Chromium for the browser tests"; apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "error: the browser tests need Chromium: apt-get install -y chromium" >&2; exit 1; fi; }

test: vet unit conformance browser

# Fuzz each target for FUZZTIME (default 5 minutes), one after another.
FUZZTIME ?= 5m
fuzz:
	$(GO) test ./kernel/dql/syntax -run '^$$' -fuzz '^FuzzLex$$' -fuzztime $(FUZZTIME)
	$(GO) test ./kernel/dql/syntax -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./kernel/dpl -run '^$$' -fuzz '^FuzzPattern$$' -fuzztime $(FUZZTIME)
	$(GO) test ./kernel/store/cloudtrail -run '^$$' -fuzz '^FuzzIngestLine$$' -fuzztime $(FUZZTIME)
	$(GO) test ./kernel/params -run '^$$' -fuzz '^FuzzSubstitute$$' -fuzztime $(FUZZTIME)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./kernel/... ./renderers/...

# The README's chart picture, drawn by trailbook chart itself over the demo data
# (run in an empty directory, so that no ./trailbook-data is found).
docs-images: build
	cd "$$(mktemp -d)" && env -u TRAILBOOK_DATA -u TRAILBOOK_VICTORIALOGS $(CURDIR)/$(BIN) chart \
	  -f $(CURDIR)/examples/failed-calls-by-error-code.dql --title "Failed API calls by error code" \
	  --width 800 --height 400 --scale 2 -o $(CURDIR)/docs/images/failed-calls-by-error-code.png

clean:
	rm -rf bin
