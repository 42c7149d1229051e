-- Run by the postgres service of docker-compose.yml at its first start (docker-entrypoint-initdb.d), and by
-- tests/fleet/run-local-fleet.sh on the local server: one schema per node of the fleet, for its peer store.
CREATE SCHEMA IF NOT EXISTS gateway AUTHORIZATION connactors;
CREATE SCHEMA IF NOT EXISTS cluster_1 AUTHORIZATION connactors;
CREATE SCHEMA IF NOT EXISTS cluster_2 AUTHORIZATION connactors;
