#!/usr/bin/env bash
# A real terminal for the test of connctl's interactive mode (Tab completion needs a terminal): tmux,
# installed when missing. Safe to run again.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v tmux >/dev/null 2>&1; then
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends tmux
fi
echo "tmux: $(tmux -V)"
