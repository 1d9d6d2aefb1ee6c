#!/usr/bin/env bash
# Installs the system packages Reelgen needs (ffmpeg, espeak-ng, fonts for every script, woff2 to read WOFF2 fonts, ICU), and with --test those its tests need too
# (PostgreSQL, Chromium). Debian/Ubuntu only; elsewhere it says what is missing.
# Then RHVoice (librhvoice5, rhvoice-english), the better English voices: on Debian they are in the non-free
# component, which this script enables in the APT sources when it is off, saying so. Reelgen uses only RHVoice's
# LGPL voices (alan, bdl, clb, slt); without RHVoice it speaks every language with espeak-ng.
set -euo pipefail

install_rhvoice() {
  local wanted=(librhvoice5 rhvoice-english) missing=() p
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null 2>&1 || { echo "RHVoice is not installed: Reelgen speaks with espeak-ng only." >&2; return 0; }
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq || true
  if ! apt-cache policy librhvoice5 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    local changed=()
    if [[ -f /etc/apt/sources.list.d/debian.sources ]] && grep -q '^Components:' /etc/apt/sources.list.d/debian.sources \
        && grep '^Components:' /etc/apt/sources.list.d/debian.sources | grep -qv 'non-free\b'; then
      $sudo sed -i -E '/^Components:/{/non-free( |$)/!s/$/ non-free/}' /etc/apt/sources.list.d/debian.sources
      changed+=(/etc/apt/sources.list.d/debian.sources)
    fi
    if [[ -f /etc/apt/sources.list ]] && grep -Eq '^deb .*debian' /etc/apt/sources.list \
        && grep -E '^deb .*debian' /etc/apt/sources.list | grep -qv 'non-free\b'; then
      $sudo sed -i -E '/^deb .*debian/{/non-free( |$)/!s/$/ non-free/}' /etc/apt/sources.list
      changed+=(/etc/apt/sources.list)
    fi
    if [[ ${#changed[@]} -gt 0 ]]; then
      echo "Enabling Debian's non-free component for RHVoice in: ${changed[*]}" >&2
      $sudo apt-get update -qq || true
    fi
  fi
  echo "Installing RHVoice: ${missing[*]}" >&2
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "RHVoice could not be installed: Reelgen speaks with espeak-ng only." >&2
  fi
}

# ICU lays out right-to-left text (the Unicode Bidirectional Algorithm). The .NET runtime loads it too, so it is
# nearly always there; its package is named by its version (libicu72 on Debian 12), so the newest one offered is taken.
install_icu() {
  ldconfig -p 2>/dev/null | grep -q 'libicuuc\.so\.[0-9]' && return 0
  command -v apt-get >/dev/null 2>&1 || { echo "ICU is not installed: Hebrew and Arabic among other text may draw out of order." >&2; return 0; }
  local sudo="" icu
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq || true
  icu=$(apt-cache search --names-only '^libicu[0-9]+$' 2>/dev/null | awk '{print $1}' | sort -V | tail -n 1)
  if [[ -z "$icu" ]] || ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$icu" >/dev/null; then
    echo "ICU could not be installed: Hebrew and Arabic among other text may draw out of order." >&2
  fi
}

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
if [[ ${#missing_packages[@]} -eq 0 ]]; then
  install_icu
  install_rhvoice
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "Installing missing packages: ${missing_packages[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null
  install_icu
  install_rhvoice
else
  echo "Reelgen needs these programs, which are missing: ${missing_packages[*]}" >&2
  echo "Install them with your system's package manager (ffmpeg with libx264 and AAC, espeak-ng, DejaVu fonts), then run again." >&2
  exit 1
fi
