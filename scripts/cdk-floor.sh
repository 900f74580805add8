#!/usr/bin/env bash
# Installs the oldest aws-cdk-lib that cdk-rust supports (the floor of its peer dependency) into .cdk-floor/,
# and type-checks lib/ and bin/ against it. The jest project "floor" (jest.config.js) then runs the unit tests
# with aws-cdk-lib and constructs resolved from there, so that the floor in package.json is tested, not assumed.
#
#   scripts/cdk-floor.sh        install (once per floor version) and type-check
set -euo pipefail
cd "$(dirname "$0")/.."

floor_of() { node -p "require('./package.json').peerDependencies['$1'].replace(/^[\\^~]/, '')"; }
cdk_floor="$(floor_of aws-cdk-lib)"
constructs_floor="$(floor_of constructs)"
dir=.cdk-floor
stamp="$dir/installed-$cdk_floor-$constructs_floor"

if [[ ! -f "$stamp" ]]; then
  echo "[cdk-floor] installing aws-cdk-lib@$cdk_floor and constructs@$constructs_floor into $dir" >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  echo '{ "name": "cdk-rust-floor", "private": true }' > "$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --no-package-lock --ignore-scripts \
    "aws-cdk-lib@$cdk_floor" "constructs@$constructs_floor" >&2
  touch "$stamp"
fi

echo "[cdk-floor] type-checking lib/ and bin/ against aws-cdk-lib@$cdk_floor" >&2
npx tsc -p tsconfig.floor.json
