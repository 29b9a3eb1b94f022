# Throwaway PostgreSQL and Redis servers for the tests; sourced by scripts/test.sh and bench scripts.
# Exports CROWD_TEST_POSTGRES_URL and CROWD_TEST_REDIS_URL.
SERVICES_DIR="${SERVICES_DIR:-/tmp/crowd-services-$$}"
PG_PORT="${PG_PORT:-55432}"
REDIS_PORT="${REDIS_PORT:-56379}"

start_services() {
  mkdir -p "$SERVICES_DIR"
  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$pgbin" ]; then
    local owner=""
    if [ "$(id -u)" = "0" ]; then
      owner="postgres"
      chown postgres "$SERVICES_DIR"
    fi
    run_as() { if [ -n "$owner" ]; then su "$owner" -s /bin/sh -c "$1"; else sh -c "$1"; fi; }
    run_as "$pgbin/initdb -D $SERVICES_DIR/pg -A trust -U postgres >/dev/null"
    run_as "$pgbin/pg_ctl -D $SERVICES_DIR/pg -o '-p $PG_PORT -k $SERVICES_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200' -l $SERVICES_DIR/pg.log -w start >/dev/null"
    export CROWD_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
    echo "PostgreSQL on port $PG_PORT"
  else
    echo "PostgreSQL is not installed: database tests run on SQLite only" >&2
  fi
  if command -v redis-server >/dev/null; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
      --pidfile "$SERVICES_DIR/redis.pid" --logfile "$SERVICES_DIR/redis.log"
    export CROWD_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    echo "Redis on port $REDIS_PORT"
  fi
}

stop_services() {
  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -d "$SERVICES_DIR/pg" ]; then
    if [ "$(id -u)" = "0" ]; then
      su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $SERVICES_DIR/pg -m fast -w stop" >/dev/null 2>&1 || true
    else
      "$pgbin/pg_ctl" -D "$SERVICES_DIR/pg" -m fast -w stop >/dev/null 2>&1 || true
    fi
  fi
  [ -f "$SERVICES_DIR/redis.pid" ] && kill "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null || true
  rm -rf "$SERVICES_DIR"
}
