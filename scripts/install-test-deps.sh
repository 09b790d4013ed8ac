#!/usr/bin/env bash
# Installs the programs the tests start for real (idempotent; needs root or sudo for apt).
set -euo pipefail
need_apt=()
command -v terraform >/dev/null || { echo "terraform (1.11+) is required on PATH and cannot be installed offline" >&2; exit 1; }
command -v tmux >/dev/null || need_apt+=(tmux)
if ((${#need_apt[@]})); then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
