# trailbook: the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/trailbook
SHARED  ?= ../shared

.PHONY: build run test vet unit conformance fuzz bench clean

build:
	$(GO) build -o $(BIN) ./cmd/trailbook

# Serves the notebook on 127.0.0.1:8888 over the embedded demo data; open the URL it prints.
run: build
	$(BIN) serve

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed on:"; gofmt -l .; exit 1)

# TRAILBOOK_JUPYTER_CLIENT runs the @jupyterlab/services acceptance test (node, npm).
unit:
	TRAILBOOK_JUPYTER_CLIENT=1 $(GO) test -count=1 ./...

# The shared DQL conformance cases, run against the built binary.
conformance: build
	@test -d $(SHARED)/conformance || (echo "error: $(SHARED)/conformance not found: clone shared/ beside this repository" >&2; exit 1)
	python3 $(SHARED)/conformance/run.py --bin ./$(BIN)

test: vet unit conformance

# Fuzz each target for FUZZTIME (default 5 minutes), one after another.
FUZZTIME ?= 5m
fuzz:
	$(GO) test ./kernel/dql/syntax -run '^$$' -fuzz '^FuzzLex$$' -fuzztime $(FUZZTIME)
	$(GO) test ./kernel/dql/syntax -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./kernel/dpl -run '^$$' -fuzz '^FuzzPattern$$' -fuzztime $(FUZZTIME)
	$(GO) test ./kernel/store/cloudtrail -run '^$$' -fuzz '^FuzzIngestLine$$' -fuzztime $(FUZZTIME)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./kernel/...

clean:
	rm -rf bin
