#!/usr/bin/env bash
# ./run.sh                 serve on embedded defaults (SQLite and videos under ./data, http://localhost:5080)
# ./run.sh VERB [ARGS...]  run a reelgen verb: tokens create, render, submit, wait, status, ...
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
# Quiet unless the build fails.
if ! build_log=$(dotnet build src/Reelgen.Cli -c Release -o artifacts/reelgen -v quiet -nologo 2>&1); then
  echo "$build_log" >&2
  exit 1
fi
export Reelgen__DataDirectory="${Reelgen__DataDirectory:-$PWD/data}"
exec dotnet artifacts/reelgen/reelgen.dll "$@"
