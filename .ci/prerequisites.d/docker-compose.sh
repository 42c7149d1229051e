#!/usr/bin/env bash
# Docker Compose's own reading of docker-compose.yml for Deployment/ComposeConfigTests.cs: `docker-compose config`
# validates and resolves the file without a Docker engine (none runs here). Debian's docker-compose, installed when
# missing. Safe to run again.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v docker-compose >/dev/null 2>&1; then
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends docker-compose
fi
echo "docker-compose: $(docker-compose version --short 2>/dev/null || echo installed)"
