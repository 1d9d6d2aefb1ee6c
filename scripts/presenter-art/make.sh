#!/usr/bin/env bash
# Regenerates the built-in presenters' art (src/Reelgen.Rendering/Presenters/) from the pinned npm packages.
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --silent
node make-presenters.mjs
