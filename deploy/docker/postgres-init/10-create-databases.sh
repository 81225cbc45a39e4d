#!/usr/bin/env bash
# Run once by the postgres image's entrypoint, when the data volume is first initialised: the
# same role and databases as scripts/stack.sh creates for the local stack (deploy-manifests.spec.ts
# keeps the two lists equal), and the project's shared settings file included.
# The entrypoint may source this file rather than run it, so it sets no shell options of its own
# and stops on the first failing statement through ON_ERROR_STOP.

PG_DATABASES=(cbdc_central_bank cbdc_bank_a cbdc_bank_b cbdc_regulator)
PG_APP_ROLE=cbdc

# The password comes from the compose file (CBDC_DB_PASSWORD) so it is written nowhere else;
# psql's :'var' quoting keeps it a literal whatever it contains.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set=app_role="$PG_APP_ROLE" --set=app_password="${CBDC_DB_PASSWORD:?CBDC_DB_PASSWORD is not set}" <<'SQL'
CREATE ROLE :"app_role" LOGIN CREATEDB PASSWORD :'app_password';
SQL

for db in "${PG_DATABASES[@]}"; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set=db="$db" --set=app_role="$PG_APP_ROLE" <<'SQL'
CREATE DATABASE :"db" OWNER :"app_role";
SQL
done

# The settings of deploy/postgres/postgresql.conf (mounted read-only at this path) apply from the
# next start on, exactly as scripts/stack.sh includes them in the local cluster; the durability
# settings are also on the server's command line in compose.yaml.
echo "include '/etc/postgresql/cbdc/postgresql.conf'" >>"$PGDATA/postgresql.conf"
echo "cbdc: role $PG_APP_ROLE and databases ${PG_DATABASES[*]} created"
