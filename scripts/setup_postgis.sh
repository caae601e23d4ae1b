#!/usr/bin/env bash
# Install PostgreSQL 15 + PostGIS 3 from Debian packages, start the local cluster and (re)create
# an empty test database with the postgis extension. Prints the SQLAlchemy URL on its last line.
# Used by .ci/run and by developers who want the PostGIS half of the test suite.
set -euo pipefail

DB_NAME="${ECOZONE_PG_DB:-ecozone_test}"
DB_USER="${ECOZONE_PG_USER:-ecozone}"
DB_PASS="${ECOZONE_PG_PASSWORD:-ecozone}"
PG_VERSION=15

if [ ! -f "/usr/share/postgresql/${PG_VERSION}/extension/postgis.control" ]; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    "postgresql-${PG_VERSION}" "postgresql-${PG_VERSION}-postgis-3" >&2
fi

if ! pg_lsclusters -h | grep -q "^${PG_VERSION} main"; then
  pg_createcluster "${PG_VERSION}" main >&2
fi
pg_ctlcluster "${PG_VERSION}" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done

as_postgres() { su postgres -c "$*"; }
as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='${DB_USER}'\"" | grep -q 1 \
  || as_postgres "psql -qc \"CREATE ROLE ${DB_USER} LOGIN SUPERUSER PASSWORD '${DB_PASS}'\"" >&2
# The test database is throwaway: start every run from an empty one.
as_postgres "psql -qc 'DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)'" >&2
as_postgres "createdb -O ${DB_USER} ${DB_NAME}" >&2
as_postgres "psql -q -d ${DB_NAME} -c 'CREATE EXTENSION IF NOT EXISTS postgis'" >&2

echo "postgresql+psycopg://${DB_USER}:${DB_PASS}@127.0.0.1:5432/${DB_NAME}"
