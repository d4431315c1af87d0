# rmqctl — see README.md.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/rmqctl/rmqctl/cmd.Version=$(VERSION)

.PHONY: build test unit demo bench broker-start broker-stop clean

## build: the rmqctl binary in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/rmqctl ./cmd/rmqctl

## test: gofmt, vet, unit and integration tests against a throwaway real broker
test:
	scripts/test.sh

## unit: the tests that need no broker
unit:
	$(GO) test -count=1 ./...

## demo: build, start a throwaway broker, run the primer scenario, stop the broker
demo: build
	scripts/demo.sh

## bench: benchmarks against a throwaway broker (see BENCHMARKS.md)
bench: build
	scripts/bench.sh

broker-start:
	scripts/broker.sh start dev

broker-stop:
	scripts/broker.sh stop dev

clean:
	rm -rf bin
