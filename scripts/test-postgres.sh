#!/usr/bin/env bash
# Makes sure a PostgreSQL server runs on this machine for the tests and prints a connection string for it.
# Uses the Debian cluster (pg_ctlcluster) and a password-authenticated role of its own on 127.0.0.1.
set -euo pipefail
command -v pg_lsclusters >/dev/null 2>&1 || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
cluster=$(pg_lsclusters --no-header | head -n1)
if [[ -z "$cluster" ]]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
  pg_createcluster "$version" main >/dev/null
  cluster=$(pg_lsclusters --no-header | head -n1)
fi
read -r version name port status _ <<<"$cluster"
if [[ "$status" != online* ]]; then
  pg_ctlcluster "$version" "$name" start >&2
fi
run_psql() { (cd / && su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qAt $*"); }
if [[ "$(run_psql "-c \"SELECT 1 FROM pg_roles WHERE rolname = 'reelgen_test'\"")" != "1" ]]; then
  run_psql "-c \"CREATE ROLE reelgen_test LOGIN PASSWORD 'reelgen_test' CREATEDB\"" >&2
fi
if [[ "$(run_psql "-c \"SELECT 1 FROM pg_database WHERE datname = 'reelgen_test'\"")" != "1" ]]; then
  run_psql "-c \"CREATE DATABASE reelgen_test OWNER reelgen_test\"" >&2
fi
echo "Host=127.0.0.1;Port=$port;Username=reelgen_test;Password=reelgen_test;Database=reelgen_test"
