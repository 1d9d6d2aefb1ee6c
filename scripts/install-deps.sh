#!/usr/bin/env bash
# Installs the system packages Reelgen needs (ffmpeg, espeak-ng, fonts for every script, woff2 to read WOFF2 fonts), and with --test those its tests need too
# (PostgreSQL, Chromium). Debian/Ubuntu only; elsewhere it says what is missing.
set -euo pipefail

# util-linux brings setpriv, which ties ffmpeg's life to the service's (it is on every Debian system already).
packages=(ffmpeg espeak-ng util-linux woff2 fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji)
commands=(ffmpeg ffprobe espeak-ng setpriv woff2_decompress)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(postgresql chromium)
  commands+=(pg_ctlcluster chromium)
fi

missing_packages=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing_packages+=("$p")
  done
else
  for c in "${commands[@]}"; do command -v "$c" >/dev/null 2>&1 || missing_packages+=("$c"); done
fi
[[ ${#missing_packages[@]} -eq 0 ]] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "Installing missing packages: ${missing_packages[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null
else
  echo "Reelgen needs these programs, which are missing: ${missing_packages[*]}" >&2
  echo "Install them with your system's package manager (ffmpeg with libx264 and AAC, espeak-ng, DejaVu fonts), then run again." >&2
  exit 1
fi
