#!/usr/bin/env bash
# ./run.sh                 serve on embedded defaults (SQLite and videos under ./data, http://localhost:5080)
# ./run.sh VERB [ARGS...]  run a reelgen verb: tokens create, render, submit, wait, status, ...
set -euo pipefail
cd "$(dirname "$0")"
out=artifacts/reelgen
stamp=$out/.built
# Build (and check the system packages) only when a source, project or build file is newer than the last build,
# so a verb starts at once when nothing changed. Directories count too: deleting a file changes its folder's time.
if [[ ! -f $stamp ]] || [[ -n $(find src scripts Directory.Build.props Directory.Packages.props global.json \
    \( -name bin -o -name obj \) -prune -o -newer "$stamp" -print -quit) ]]; then
  scripts/install-deps.sh
  mkdir -p "$out" && touch "$stamp.next"
  # Quiet unless the build fails. Published ready to run (compiled ahead for this machine's processor) so a verb,
  # a render above all, does not spend its first second compiling.
  if ! build_log=$(dotnet publish src/Reelgen.Cli -c Release --use-current-runtime --self-contained false \
      -p:PublishReadyToRun=true -o "$out" -v quiet -nologo 2>&1); then
    echo "$build_log" >&2
    rm -f "$stamp.next"
    exit 1
  fi
  # The time taken before the build began, so an edit made while it ran still triggers the next one.
  mv "$stamp.next" "$stamp"
fi
export Reelgen__DataDirectory="${Reelgen__DataDirectory:-$PWD/data}"
exec dotnet "$out/reelgen.dll" "$@"
