#!/bin/sh
# pgBackRest backing up a real PostgreSQL to Nimbus S3 (through the TLS proxy on $TLS_PORT):
# stanza-create, full and incremental backups (WAL through archive-push), verify, restore, and the
# restored cluster's rows counted. $PGBIN holds initdb, pg_ctl and psql; $PGPORT is free.
set -eu
cd "$WORK"
trap '"$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true; "$PGBIN/pg_ctl" -D "$WORK/restored" -m immediate stop >/dev/null 2>&1 || true' EXIT
. "$(dirname "$0")/pgbackrest-repo.sh"
cat >> pgbackrest.conf <<CONF
repo1-retention-full=2
start-fast=y
lock-path=$WORK
log-level-console=warn
[demo]
pg1-path=$WORK/data
pg1-port=$PGPORT
pg1-socket-path=$WORK
CONF
p() { pgbackrest --config="$WORK/pgbackrest.conf" --stanza=demo "$@"; }
sql() { "$PGBIN/psql" -h "$WORK" -p "$PGPORT" -qtAc "$1" postgres; }
"$PGBIN/initdb" -D data -A trust --no-sync >/dev/null
cat >> data/postgresql.conf <<CONF
listen_addresses = ''
port = $PGPORT
unix_socket_directories = '$WORK'
fsync = off
archive_mode = on
archive_command = 'pgbackrest --config=$WORK/pgbackrest.conf --stanza=demo archive-push %p'
CONF
"$PGBIN/pg_ctl" -D data -l postgres.log -w start >/dev/null
p stanza-create
p backup --type=full
sql "create table t as select g, md5(g::text) as h from generate_series(1, 50000) g"
p backup --type=incr
p verify
p info --output=json > info.json
"$PGBIN/pg_ctl" -D data -w stop >/dev/null
p restore --pg1-path="$WORK/restored"
sed -i "s/^port = .*/port = $PGPORT/" restored/postgresql.conf
"$PGBIN/pg_ctl" -D restored -l restored.log -w start >/dev/null
echo "rows: $(sql 'select count(*) from t')"
cat info.json
