#!/usr/bin/env bash
# The whole test suite against real RabbitMQ brokers: gofmt, go vet and the unit tests
# once, then the integration suite against each supported release in turn, each on a
# throwaway node that scripts/broker.sh starts (installing Debian's rabbitmq-server, or
# making the release's cached chroot, when needed) and stops:
#
#   3.10  Debian bookworm's 3.10.8   the whole integration suite
#   4.3   Debian sid's 4.3.6         the whole integration suite
#   4.0   Debian trixie's 4.0.5      the differential tests and the primer scenario
#
# RMQCTL_TEST_VERSIONS picks releases (default "3.10 4.3 4.0"); RMQCTL_TEST_URL (with
# the other RMQCTL_TEST_* variables) runs the integration suite once against a broker
# of your own instead. Extra arguments go to every `go test`. A release that cannot be
# started fails the run; it is never skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v go >/dev/null || { echo "test.sh: Go is not installed" >&2; exit 1; }

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "test.sh: gofmt would change: $unformatted" >&2
  exit 1
fi
go vet ./...

apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 ||
    { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2; }
}
# The completion test sources the generated script in a real bash, with Debian's
# bash-completion as a user's shell would have it; rabbitmqadmin v1 (the reference for
# `rmqctl admin`) is a python3 script.
[ -f /usr/share/bash-completion/bash_completion ] || apt_install bash-completion
[ -x /usr/bin/python3 ] || apt_install python3

# The broker script waits for nodes with rmqctl's own await_startup.
go build -o bin/rmqctl ./cmd/rmqctl
export RMQCTL_BIN="$PWD/bin/rmqctl"

integration=./integration
units=$(go list ./... | grep -v '/integration$')

t0=$SECONDS
# Unit tests need no broker: none of them may see one.
env -u RMQCTL_TEST_URL go test -count=1 "$@" $units
echo "test.sh: unit tests took $((SECONDS - t0)) s" >&2

if [ -n "${RMQCTL_TEST_URL:-}" ]; then
  echo "test.sh: broker at $RMQCTL_TEST_URL (node ${RMQCTL_TEST_NODE:-?})" >&2
  exec go test -count=1 -timeout 40m "$@" $integration
fi

# What runs against 4.0.5: the comparisons with its real tools, and the primer.
subset_40='Differential|Primer|Seed'

failed=()
summary=()
for version in ${RMQCTL_TEST_VERSIONS:-3.10 4.3 4.0}; do
  t0=$SECONDS
  node="test-${version//./}"
  export RMQCTL_BROKER_VERSION=$version
  if ! env_file=$(scripts/broker.sh start "$node"); then
    echo "test.sh: FAILED: RabbitMQ $version could not be started" >&2
    failed+=("$version (broker)")
    continue
  fi
  booted=$((SECONDS - t0))
  run=()
  [ "$version" = 4.0 ] && run=(-run "$subset_40")
  rc=0
  (
    # shellcheck disable=SC1090
    source "$env_file"
    echo "test.sh: RabbitMQ $RMQCTL_TEST_VERSION at $RMQCTL_TEST_URL (node $RMQCTL_TEST_NODE)" >&2
    go test -count=1 -timeout 40m "${run[@]}" "$@" $integration
  ) || rc=$?
  scripts/broker.sh stop "$node" || true
  took=$((SECONDS - t0))
  summary+=("RabbitMQ $version: broker ready in ${booted} s, integration tests $([ $rc = 0 ] && echo passed || echo FAILED) in $((took - booted)) s")
  [ $rc = 0 ] || failed+=("$version")
done
unset RMQCTL_BROKER_VERSION

printf 'test.sh: %s\n' "${summary[@]}" >&2
if [ ${#failed[@]} -gt 0 ]; then
  echo "test.sh: FAILED on: ${failed[*]}" >&2
  exit 1
fi
echo "test.sh: all passed in $SECONDS s" >&2
