#!/usr/bin/env bash
# Makes this machine ready to run Airlock: npm dependencies, a Docker engine, Redis, the build, and the
# sandbox images. Idempotent: each step checks first and does nothing when its work is already done.
# Needs root (or sudo) on Debian/Ubuntu for the system packages. Environment:
#   AIRLOCK_BASE_FROM   build the base image FROM this image (needs a registry), instead of debootstrap
#   DEBIAN_MIRROR       Debian archive for debootstrap (default http://deb.debian.org/debian)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=""
need_pkgs() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  say "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

wait_for() { # wait_for SECONDS COMMAND...
  local n=$(( $1 * 5 )); shift
  for _ in $(seq 1 "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}

say "Docker engine"
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null 2>&1 || need_pkgs docker.io
  need_pkgs iptables
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    as_root systemctl start docker
  else
    as_root bash -c 'nohup dockerd >/var/log/dockerd.log 2>&1 &'
  fi
  wait_for 60 docker info || { echo "dockerd did not come up; see /var/log/dockerd.log" >&2; exit 1; }
fi
docker info --format 'engine {{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}'

say "gVisor (runsc) for the analysis containers"
# Registers the runtimes airlock-runsc{,-all} (scripts/install-gvisor.sh) and reloads a running dockerd.
bash scripts/install-gvisor.sh

say "Redis"
if ! (command -v redis-cli >/dev/null 2>&1 && redis-cli -p "${REDIS_PORT:-6379}" ping 2>/dev/null | grep -q PONG); then
  need_pkgs redis-server
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    # Debian's default configuration has no append-only file: a restart would lose the last snapshot's
    # worth of verdicts and queued jobs. AOF on, in the configuration file, before the first start.
    conf=/etc/redis/redis.conf
    if [ -f "$conf" ] && ! grep -qE '^appendonly yes' "$conf"; then
      as_root sed -i -E 's/^#? *appendonly .*/appendonly yes/' "$conf"
      grep -qE '^appendonly yes' "$conf" || echo 'appendonly yes' | as_root tee -a "$conf" >/dev/null
    fi
    as_root systemctl start redis-server
  else
    as_root redis-server --port "${REDIS_PORT:-6379}" --bind 127.0.0.1 --appendonly yes --dir /var/lib/redis --daemonize yes >/dev/null
  fi
  wait_for 20 redis-cli -p "${REDIS_PORT:-6379}" ping || { echo "redis-server did not come up" >&2; exit 1; }
fi
echo "redis on 127.0.0.1:${REDIS_PORT:-6379}: $(redis-cli -p "${REDIS_PORT:-6379}" ping)"

# The compose stack's Redis password (docker-compose.yml): made once, kept private, read by docker-compose
# from .env. Hex only, so it fits in AIRLOCK_REDIS_URL as is.
mkdir -p .airlock
if [ ! -s .airlock/redis-password ]; then (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d " \n" > .airlock/redis-password); fi
if ! grep -qs '^AIRLOCK_REDIS_PASSWORD=' .env; then
  (umask 077 && touch .env && printf 'AIRLOCK_REDIS_PASSWORD=%s\n' "$(cat .airlock/redis-password)" >> .env)
fi
chmod 600 .env .airlock/redis-password
echo "compose Redis password: .airlock/redis-password (and AIRLOCK_REDIS_PASSWORD in .env, mode 600)"
# The key that seals organizations' registry tokens at rest (AES-256-GCM, packages/store secret-box.ts): made
# once, kept private; api and workers read it from AIRLOCK_SECRETS_KEY (compose: from .env) or AIRLOCK_SECRETS_KEY_FILE.
# Losing it loses the stored tokens (each organization sets its token again), nothing else.
if [ ! -s .airlock/secrets-key ]; then (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d " \n" > .airlock/secrets-key); fi
if ! grep -qs '^AIRLOCK_SECRETS_KEY=' .env; then
  (umask 077 && printf 'AIRLOCK_SECRETS_KEY=%s\n' "$(cat .airlock/secrets-key)" >> .env)
fi
chmod 600 .env .airlock/secrets-key
echo "secrets key (registry tokens at rest): .airlock/secrets-key (and AIRLOCK_SECRETS_KEY in .env, mode 600)"

say "tools for image builds and tests"
[ -n "${AIRLOCK_BASE_FROM:-}" ] || need_pkgs debootstrap
need_pkgs tcpdump openssl chromium   # openssl: the fake internet's TLS tests make a CA on the host; chromium: the HTML report test

say "npm dependencies and build"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
npx tsc -b

say "sandbox images"
node apps/cli/dist/main.js images build
