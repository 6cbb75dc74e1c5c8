#!/usr/bin/env bash
# W2's hand-written baseline: what a careful engineer would script with psql for an incremental upsert —
# cursor select on the source, binary COPY into a staging table, INSERT ... ON CONFLICT, new high-water mark,
# all in one destination transaction.
#   baseline-incremental.sh SRC_DB DST_DB      (PGHOST/PGPORT/PGUSER from the environment)
set -euo pipefail
src=$1 dst=$2
hwm=$(psql -X -Atq -d "$dst" -c 'select hwm from script_state')
set_list=$(psql -X -Atq -d "$dst" -c "select string_agg(quote_ident(attname) || ' = excluded.' || quote_ident(attname), ', ' order by attnum) from pg_attribute where attrelid = 'wide'::regclass and attnum > 1 and not attisdropped")
psql -X -q -v ON_ERROR_STOP=1 -d "$dst" <<SQL
begin;
create temp table stg (like wide) on commit drop;
\copy stg from program 'psql -X -q -d $src -c "\\\\copy (select * from wide where seq >= $hwm) to stdout (format binary)"' (format binary)
insert into wide select * from stg on conflict (id) do update set $set_list;
update script_state set hwm = coalesce((select max(seq) from stg), hwm);
commit;
SQL
