#!/usr/bin/env bash
# ./run.sh                 serve on embedded defaults (SQLite and videos under ./data, http://localhost:5080)
# ./run.sh VERB [ARGS...]  run a reelgen verb: tokens create, render, submit, wait, status, ...
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
dotnet build src/Reelgen.Cli -c Release -o artifacts/reelgen -v quiet -nologo "-clp:ErrorsOnly;NoSummary" >&2
export Reelgen__DataDirectory="${Reelgen__DataDirectory:-$PWD/data}"
exec dotnet artifacts/reelgen/reelgen.dll "$@"
