#!/usr/bin/env bash
# What the test suite needs besides npm packages: Debian's Chromium for Playwright (it cannot
# download its own browser here), Debian's Firefox ESR for the Firefox runs and a PostgreSQL
# server at 127.0.0.1:5432 for the server tests.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
export DEBIAN_FRONTEND=noninteractive

if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
  echo "test-prerequisites: installing Debian's chromium"
  as_root apt-get update -qq && as_root apt-get install -y -qq chromium >/dev/null
fi

if [ -z "${FIREFOX_PATH:-}" ] && [ ! -x /usr/bin/firefox-esr ]; then
  echo "test-prerequisites: installing Debian's firefox-esr"
  as_root apt-get update -qq && as_root apt-get install -y -qq firefox-esr >/dev/null
fi

if [ -z "${SYNCWORKER_TEST_POSTGRES:-}" ] && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "test-prerequisites: installing PostgreSQL"
    as_root apt-get update -qq && as_root apt-get install -y -qq postgresql >/dev/null
  fi
  echo "test-prerequisites: starting PostgreSQL"
  for version in $(ls /etc/postgresql); do
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432
fi
