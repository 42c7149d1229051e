#!/usr/bin/env bash
# A real PostgreSQL server for the peer-store persistence tests: installed when missing, started,
# and given a role and a database "connactors" (password "connactors"). Safe to run again.
set -euo pipefail

role=connactors
database=connactors
password=connactors

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { as_root runuser -u postgres -- "$@"; }

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y postgresql
fi

# The newest installed cluster; create one if the package left none (e.g. a container without init).
cluster=$(pg_lsclusters --no-header | sort -k1,1V | tail -n 1 || true)
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  as_root pg_createcluster "$version" main
  cluster=$(pg_lsclusters --no-header | sort -k1,1V | tail -n 1)
fi
read -r version name port status _ <<<"$cluster"

if [ "$status" != "online" ]; then
  as_root pg_ctlcluster "$version" "$name" start
fi

for _ in $(seq 1 30); do
  as_postgres pg_isready -q -p "$port" && break
  sleep 1
done
as_postgres pg_isready -p "$port"

psql_admin() { as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -tAq "$@"; }

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != "1" ]; then
  psql_admin -c "CREATE ROLE $role LOGIN PASSWORD '$password'"
else
  psql_admin -c "ALTER ROLE $role LOGIN PASSWORD '$password'"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" != "1" ]; then
  psql_admin -c "CREATE DATABASE $database OWNER $role"
fi
psql_admin -d "$database" -c "GRANT ALL ON SCHEMA public TO $role"

echo "postgresql: cluster $version/$name on port $port, database '$database' for role '$role'"
