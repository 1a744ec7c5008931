#!/usr/bin/env bash
# Builds and installs pgvector for the local PostgreSQL 15 (Debian bookworm has no binary package),
# then enables it in the database the tests use. Idempotent: the build is skipped when the
# extension's control file is already installed. Recipe and reasons: shared/notes/pgvector.md.
#
# Usage: bash scripts/install-pgvector.sh [DBNAME]   (default DBNAME: test; run as root)
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
DB_NAME="${1:-test}"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
CONTROL="/usr/share/postgresql/${PG_MAJOR}/extension/vector.control"

if [ -f "$CONTROL" ]; then
  echo "pgvector: already installed ($CONTROL)"
else
  echo "pgvector: building from Debian trixie source for PostgreSQL ${PG_MAJOR}"
  export DEBIAN_FRONTEND=noninteractive
  # .ci/run sets APT_UPDATED=1 after its own `apt-get update`, so the lists are fetched once.
  [ "${APT_UPDATED:-}" = 1 ] || apt-get update -qq
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 "postgresql-server-dev-${PG_MAJOR}" dpkg-dev >/dev/null

  # A private apt configuration, so the system's sources stay as they are.
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial"
  # apt downloads as its unprivileged _apt user; without this it warns and falls back to root.
  chown -R _apt:root "$work" 2>/dev/null || true
  # The Debian archive this machine already uses, with the newer release's source packages.
  mirror=$(grep -hoE '^URIs:[[:space:]]*[^[:space:]]+' /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | awk '{print $2}' | grep -v security | head -1 || true)
  [ -n "$mirror" ] || mirror=$(grep -hoE '^deb[[:space:]]+[^[:space:]]+' /etc/apt/sources.list 2>/dev/null \
    | awk '{print $2}' | grep -v security | head -1 || true)
  if [ -z "$mirror" ]; then
    echo "pgvector: no Debian mirror found in the apt configuration" >&2
    exit 1
  fi
  echo "deb-src $mirror trixie main" > "$work/sources.list"
  A=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
     -o "Dir::State::Lists=$work/lists" -o "APT::Get::List-Cleanup=0")
  apt-get "${A[@]}" update -qq
  (cd "$work" && apt-get "${A[@]}" source --download-only pgvector >/dev/null && tar xzf pgvector_*.orig.tar.gz)
  src=$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -1)
  # OPTFLAGS="" avoids -march=native, so the build runs on any x86-64 machine.
  make -s -C "$src" OPTFLAGS="" PG_CONFIG="$PG_CONFIG"
  make -s -C "$src" install PG_CONFIG="$PG_CONFIG"
  echo "pgvector: installed"
fi

# The extension is not "trusted": only a superuser may create it.
if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1; then
  PGOPTIONS='-c client_min_messages=warning' psql -v ON_ERROR_STOP=1 -q -h 127.0.0.1 -U postgres -d "$DB_NAME" -c 'CREATE EXTENSION IF NOT EXISTS vector'
  psql -h 127.0.0.1 -U postgres -d "$DB_NAME" -Atc "select 'pgvector: extversion ' || extversion from pg_extension where extname = 'vector'"
else
  echo "pgvector: PostgreSQL is not running on 127.0.0.1; CREATE EXTENSION skipped" >&2
fi
