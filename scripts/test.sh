#!/usr/bin/env bash
# The whole test suite against a real RabbitMQ: starts a throwaway node (installing
# Debian's rabbitmq-server if needed) unless RMQCTL_TEST_URL names one, runs gofmt,
# go vet and every test, and stops the node.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v go >/dev/null || { echo "test.sh: Go is not installed" >&2; exit 1; }

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "test.sh: gofmt would change: $unformatted" >&2
  exit 1
fi
go vet ./...

# The completion test sources the generated script in a real bash, with Debian's
# bash-completion as a user's shell would have it.
if [ ! -f /usr/share/bash-completion/bash_completion ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bash-completion >&2 ||
    { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bash-completion >&2; }
fi

# The broker script waits for nodes with rmqctl's own await_startup.
go build -o bin/rmqctl ./cmd/rmqctl
export RMQCTL_BIN="$PWD/bin/rmqctl"

if [ -z "${RMQCTL_TEST_URL:-}" ]; then
  env_file=$(scripts/broker.sh start test)
  trap 'scripts/broker.sh stop test' EXIT
  # shellcheck disable=SC1090
  source "$env_file"
fi
echo "test.sh: broker at $RMQCTL_TEST_URL (node ${RMQCTL_TEST_NODE:-?})" >&2
go test -count=1 -timeout 30m "$@" ./...
