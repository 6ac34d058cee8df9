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
# One password for the compose stack's Redis and for the host Redis that setup starts: made once, kept
# private. Hex only, so it fits in a redis:// URL as is.
mkdir -p .airlock
if [ ! -s .airlock/redis-password ]; then (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d " \n" > .airlock/redis-password); fi
chmod 600 .airlock/redis-password
redis_port="${REDIS_PORT:-6379}"
# With REDISCLI_AUTH a Redis without a password still answers PONG (redis-cli only warns), so this finds either.
redis_ping() { REDISCLI_AUTH="$(cat .airlock/redis-password)" redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; }
redis_url=""
# A Redis already on the port that refuses this checkout's password (another checkout's setup started it):
# say so, instead of starting a second one that cannot bind and reporting that it did not come up.
if command -v redis-cli >/dev/null 2>&1 && ! redis_ping &&
  REDISCLI_AUTH="$(cat .airlock/redis-password)" redis-cli -p "$redis_port" ping 2>&1 | grep -qE 'NOAUTH|WRONGPASS|invalid password'; then
  echo "a Redis on port $redis_port wants another password (another checkout's setup started it): copy that" >&2
  echo "checkout's .airlock/redis-password here, or run setup with REDIS_PORT=<a free port>" >&2
  exit 1
fi
if ! (command -v redis-cli >/dev/null 2>&1 && redis_ping); then
  need_pkgs redis-server
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    # Debian's default configuration has no append-only file (a restart would lose the last snapshot's worth
    # of verdicts and queued jobs) and no password. AOF on, loopback only, and the password, in the
    # configuration file, before the first start.
    conf=/etc/redis/redis.conf
    if [ -f "$conf" ]; then
      if ! grep -qE '^appendonly yes' "$conf"; then
        as_root sed -i -E 's/^#? *appendonly .*/appendonly yes/' "$conf"
        grep -qE '^appendonly yes' "$conf" || echo 'appendonly yes' | as_root tee -a "$conf" >/dev/null
      fi
      as_root sed -i -E 's/^bind .*/bind 127.0.0.1 -::1/' "$conf"
      grep -qE '^bind ' "$conf" || echo 'bind 127.0.0.1 -::1' | as_root tee -a "$conf" >/dev/null
      if ! as_root grep -qE '^requirepass ' "$conf"; then
        printf 'requirepass %s\n' "$(cat .airlock/redis-password)" | as_root tee -a "$conf" >/dev/null
      fi
    fi
    as_root systemctl start redis-server
  else
    # The configuration on stdin (`redis-server -`): the password never appears on a command line (ps).
    printf 'port %s\nbind 127.0.0.1\nappendonly yes\ndir /var/lib/redis\ndaemonize yes\nrequirepass %s\n' \
      "$redis_port" "$(cat .airlock/redis-password)" | as_root redis-server - >/dev/null
  fi
  wait_for 20 redis_ping || { echo "redis-server did not come up" >&2; exit 1; }
fi
# Which URL reaches it: with the password when it wants one (setup started it), without when a Redis with
# no password was already running here (setup does not reconfigure a Redis it did not start).
if redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; then
  redis_url="redis://127.0.0.1:$redis_port"
  echo "note: the Redis on 127.0.0.1:$redis_port has no password (it was running before setup); any local user can use it" >&2
else
  redis_url="redis://:$(cat .airlock/redis-password)@127.0.0.1:$redis_port"
fi
(umask 077 && printf '%s\n' "$redis_url" > .airlock/redis-url)
echo "redis on 127.0.0.1:$redis_port; its URL is in .airlock/redis-url (mode 600; the api and worker read it when AIRLOCK_REDIS_URL is unset)"

# The compose stack's settings, read by docker-compose from .env: the Redis password, and the gid of the
# Docker socket (the worker container's user joins that group to reach the engine and the gVisor records).
if ! grep -qs '^AIRLOCK_REDIS_PASSWORD=' .env; then
  (umask 077 && touch .env && printf 'AIRLOCK_REDIS_PASSWORD=%s\n' "$(cat .airlock/redis-password)" >> .env)
fi
docker_gid="$(stat -c %g /var/run/docker.sock)"
if grep -qs '^AIRLOCK_DOCKER_GID=' .env; then sed -i -E "s/^AIRLOCK_DOCKER_GID=.*/AIRLOCK_DOCKER_GID=$docker_gid/" .env
else printf 'AIRLOCK_DOCKER_GID=%s\n' "$docker_gid" >> .env; fi
chmod 600 .env .airlock/redis-password
echo "compose Redis password: .airlock/redis-password (and AIRLOCK_REDIS_PASSWORD in .env, mode 600); docker.sock group $docker_gid"

say "docker-compose (the service stack)"
# Debian's docker-compose (v1, Python); `docker compose` (the v2 plugin) works as well where installed.
command -v docker-compose >/dev/null 2>&1 || need_pkgs docker-compose
docker-compose version --short 2>/dev/null || docker-compose --version
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
