#!/usr/bin/env bash
# What `npm test` needs on a fresh clone, run by its `pretest`: the npm dependencies, the library built and
# packaged (jsii: dist/lib and .jsii; the CLI bundle; dist/js, python, java and go), the development
# environment (scripts/dev-env.sh up: Docker, BuildKit, the builder image, the git server, the registry) and
# the floor of the aws-cdk-lib peer dependency (scripts/cdk-floor.sh). The environment comes up in the
# background while the library builds, so a fresh machine pays for the longer of the two, not both.
# One line per step on stderr; each step's own output goes to .dev-env/prepare-*.log, shown on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20   # jsii on Node 20 prints a banner per process
LOGS=.dev-env
mkdir -p "$LOGS"

say() { printf '[prepare] %s\n' "$*" >&2; }
step() {  # step NAME COMMAND...: runs quietly, logs to $LOGS/prepare-NAME.log, shows the log's end on failure
  local name=$1 t0=$SECONDS
  shift
  say "$name"
  if ! "$@" >"$LOGS/prepare-$name.log" 2>&1; then
    tail -n 40 "$LOGS/prepare-$name.log" >&2
    say "$name failed (full output: $LOGS/prepare-$name.log)"
    return 1
  fi
  say "$name: done in $((SECONDS - t0)) s"
}

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  step npm-ci npm ci --no-audit --no-fund
fi

bash scripts/dev-env.sh up &
env_pid=$!
built=0
step build npm run build && step cli-starts node dist/bin/cdk-rust.js --help && step package npm run package &&
  step cdk-floor bash scripts/cdk-floor.sh && built=1
env_status=0
wait "$env_pid" || env_status=$?
((built)) || exit 1
((env_status == 0)) || { say "the development environment did not come up (exit $env_status)"; exit "$env_status"; }
say "ready"
