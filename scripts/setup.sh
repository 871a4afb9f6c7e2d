#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: a virtualenv in .venv with the pinned dependencies.
# Sourced, not run. Set YRD_PYTHON to choose the interpreter (3.11 or newer).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

pick_python() {
  for candidate in "${YRD_PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "error: Python 3.11 or newer is needed (apt-get install python3 python3-venv)" >&2
  return 1
}

apt_install() {
  # Install Debian packages that are missing; as root directly, otherwise through sudo.
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "error: need root (or sudo) to install ${missing[*]}" >&2; return 1
    fi
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_venv() {
  # $1: the extras to install ("" or "test")
  local python; python="$(pick_python)"
  if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv 2>/dev/null || { apt_install python3-venv && "$python" -m venv .venv; }
  fi
  local stamp=".venv/.installed-$1-$(cat constraints.txt pyproject.toml | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    local target="." log=".venv/pip.log"
    [ -n "$1" ] && target=".[$1]"
    echo "installing Python packages into .venv (log: $log)" >&2
    if ! { .venv/bin/python -m pip install --upgrade pip &&
      .venv/bin/python -m pip install -c constraints.txt -e "$target"; } >"$log" 2>&1; then
      tail -n 30 "$log" >&2
      echo "error: installing Python packages failed (see $log)" >&2
      return 1
    fi
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
}
