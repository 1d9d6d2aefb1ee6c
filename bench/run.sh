#!/usr/bin/env bash
# bench/run.sh [render|speech|batch|api|callbacks|handoff|all]  — runs a benchmark case and writes bench/results/<case>.md
set -euo pipefail
cd "$(dirname "$0")/.."
case="${1:-all}"
scripts/install-deps.sh
command -v wrk >/dev/null 2>&1 && command -v sqlite3 >/dev/null 2>&1 && command -v hyperfine >/dev/null 2>&1 || {
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk sqlite3 hyperfine >/dev/null
  else
    echo "bench needs wrk, sqlite3 and hyperfine" >&2; exit 1
  fi
}
# Built as ./run.sh builds it: published ready to run.
dotnet publish src/Reelgen.Cli -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true \
  -o bench/out/reelgen -v quiet -nologo "-clp:ErrorsOnly;NoSummary"
case "$case" in
  render|speech|api|callbacks|handoff|batch) "bench/$case.sh" ;;
  all) bench/render.sh; bench/speech.sh; bench/batch.sh; bench/api.sh; bench/callbacks.sh; bench/handoff.sh ;;
  *) echo "unknown case '$case': render, speech, batch, api, callbacks, handoff or all" >&2; exit 2 ;;
esac
