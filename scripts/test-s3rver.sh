#!/usr/bin/env bash
# Installs s3rver (an S3-compatible server for the storage tests) into scripts/s3rver from its committed lock file
# and prints the path of its executable; the tests start it on a loopback port of their own.
set -euo pipefail
cd "$(dirname "$0")/s3rver"
if ! command -v npm >/dev/null 2>&1; then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >&2
fi
if [[ ! -x node_modules/.bin/s3rver || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
echo "$PWD/node_modules/s3rver/bin/s3rver.js"
