#!/usr/bin/env bash
# A real browser for the dashboard tests (Playwright for .NET drives it; Playwright's own browser
# download cannot work here): Debian's chromium, installed when missing. Safe to run again.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null 2>&1; then
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends chromium fonts-dejavu-core
fi
echo "chromium: $(chromium --version 2>/dev/null || echo 'installed at /usr/bin/chromium')"
