#!/usr/bin/env bash
# Installs gVisor's runsc (Debian trixie's build, binary only) and registers it with Docker as the
# runtime `airlock-runsc`, which records every container's syscalls from the gVisor Sentry into
#   /var/lib/airlock/gvisor-logs/<full container id>/runsc.log.<yyyymmdd-hhmmss.uuuuuu>.boot.txt
# on the host (outside anything the container can see). Idempotent; needs root.
#
# Pieces:
#   /usr/local/lib/airlock/gvisor/runsc          the binary, from the pinned .deb (sha256 checked)
#   /usr/local/lib/airlock/gvisor/runsc-airlock  a small wrapper Docker calls instead of runsc: it reads
#                                                the container id from the shim's --log path and adds
#                                                --debug-log=<log root>/<id>/ (runsc 20240729 has no %ID%
#                                                in --debug-log, only %TIMESTAMP%, %COMMAND%)
#   /etc/docker/daemon.json                      runtimes.airlock-runsc {path, runtimeArgs}, merged in;
#                                                every other key and runtime is kept
# Environment:
#   DEBIAN_MIRROR        default http://deb.debian.org/debian
#   AIRLOCK_GVISOR_LOGS  default /var/lib/airlock/gvisor-logs
#   DOCKER_DAEMON_JSON   default /etc/docker/daemon.json
set -euo pipefail

MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEB_PATH="pool/main/g/golang-gvisor-gvisor/runsc_0.0~20240729.0-4+b7_amd64.deb"
DEB_SHA256="3c25a5130dfac2f71237d5baad56ac86a255de87a0400f11b36a555156dc325a"   # from trixie main/binary-amd64/Packages.xz
BIN_SHA256="ce52e04038baa76d6069afae5fc1bee60c153bbf0276f2c3c25506553526f38f"   # ./usr/bin/runsc inside that .deb
PREFIX=/usr/local/lib/airlock/gvisor
LOG_ROOT="${AIRLOCK_GVISOR_LOGS:-/var/lib/airlock/gvisor-logs}"
DAEMON_JSON="${DOCKER_DAEMON_JSON:-/etc/docker/daemon.json}"
RUNTIME_NAME=airlock-runsc

# Flags for every runsc invocation (Docker puts runtimeArgs before the shim's own flags):
#   --platform=systrap     (kvm hangs on these machines)
#   --network=host         use the container's own network namespace; gVisor's netstack cannot run in a
#                          namespace joined with NetworkMode container:<id>
#   --overlay2=none        writes land in the real container rootfs, so `docker diff`/`docker cp` see them
#                          (the default root:self keeps them in a gVisor filestore file that Docker cannot read)
#   --strace ...           the Sentry logs every syscall (E/X lines) into the boot debug log
#   --debug-command=boot   only the sandbox (boot) writes a debug log file: no create/start/state/kill/... files
RUNTIME_ARGS=(
  --platform=systrap
  --network=host
  --overlay2=none
  --strace
  --strace-log-size=1024
  --debug-command=boot
)

say() { printf '== %s\n' "$*"; }
[ "$(id -u)" -eq 0 ] || { echo "install-gvisor.sh: needs root" >&2; exit 1; }
case "$(uname -m)" in x86_64) ;; *) echo "install-gvisor.sh: only amd64 is supported (got $(uname -m))" >&2; exit 1 ;; esac

# --- 1. the runsc binary ------------------------------------------------------------------------
install -d -m 0755 "$PREFIX"
if [ -x "$PREFIX/runsc" ] && [ "$(sha256sum "$PREFIX/runsc" | cut -d' ' -f1)" = "$BIN_SHA256" ]; then
  say "runsc already installed ($PREFIX/runsc)"
else
  command -v dpkg-deb >/dev/null || { echo "install-gvisor.sh: dpkg-deb is missing" >&2; exit 1; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  say "downloading $MIRROR/$DEB_PATH"
  if command -v curl >/dev/null; then
    curl -fsSL --retry 3 -o "$tmp/runsc.deb" "$MIRROR/$DEB_PATH"
  else
    wget -q -O "$tmp/runsc.deb" "$MIRROR/$DEB_PATH"
  fi
  got="$(sha256sum "$tmp/runsc.deb" | cut -d' ' -f1)"
  if [ "$got" != "$DEB_SHA256" ]; then
    echo "install-gvisor.sh: sha256 mismatch for runsc .deb: got $got, want $DEB_SHA256" >&2
    exit 1
  fi
  dpkg-deb -x "$tmp/runsc.deb" "$tmp/x"
  got="$(sha256sum "$tmp/x/usr/bin/runsc" | cut -d' ' -f1)"
  [ "$got" = "$BIN_SHA256" ] || { echo "install-gvisor.sh: unexpected runsc binary sha256 $got" >&2; exit 1; }
  install -m 0755 "$tmp/x/usr/bin/runsc" "$PREFIX/runsc.new"
  mv -f "$PREFIX/runsc.new" "$PREFIX/runsc"
  say "installed $("$PREFIX/runsc" --version | head -1) at $PREFIX/runsc"
fi

# --- 2. the wrapper Docker calls ----------------------------------------------------------------
install -d -m 0700 "$LOG_ROOT"
wrapper="$(cat <<EOF
#!/bin/sh
# Written by scripts/install-gvisor.sh. Docker's runc shim calls this as
#   runsc-airlock <runtimeArgs> --root R --log /run/containerd/io.containerd.runtime.v2.task/moby/<id>/log.json
#                 --log-format json <command> ... <id>
# It adds --debug-log=$LOG_ROOT/<id>/ so the sandbox's boot log (with the strace lines) is per container.
runsc=$PREFIX/runsc
log_root=$LOG_ROOT
id=
prev=
for a in "\$@"; do
  case "\$prev" in --log|-log) id=\${a%/*}; id=\${id##*/} ;; esac
  case "\$a" in --log=*|-log=*) id=\${a#*=}; id=\${id%/*}; id=\${id##*/} ;; esac
  prev=\$a
done
case "\$id" in
  *[!0-9a-f]*|'') exec "\$runsc" "\$@" ;;
esac
[ \${#id} -eq 64 ] || exec "\$runsc" "\$@"
exec "\$runsc" "--debug-log=\$log_root/\$id/" "\$@"
EOF
)"
if [ "$(cat "$PREFIX/runsc-airlock" 2>/dev/null || true)" != "$wrapper" ]; then
  printf '%s\n' "$wrapper" >"$PREFIX/runsc-airlock.new"
  chmod 0755 "$PREFIX/runsc-airlock.new"
  mv -f "$PREFIX/runsc-airlock.new" "$PREFIX/runsc-airlock"
  say "wrote $PREFIX/runsc-airlock"
fi

# --- 3. register the runtime with Docker --------------------------------------------------------
install -d -m 0755 "$(dirname "$DAEMON_JSON")"
merge_js='
const fs = require("fs");
const [file, name, path, ...args] = process.argv.slice(1);
let before = "";
try { before = fs.readFileSync(file, "utf8"); } catch (e) { if (e.code !== "ENOENT") throw e; }
const config = before.trim() ? JSON.parse(before) : {};
config.runtimes = config.runtimes || {};
config.runtimes[name] = { path, runtimeArgs: args };
const after = JSON.stringify(config, null, 2) + "\n";
if (after === before) process.exit(3);
fs.writeFileSync(file + ".airlock-tmp", after);
fs.renameSync(file + ".airlock-tmp", file);
'
merge_py='
import json, os, sys
file, name, path, *args = sys.argv[1:]
try:
    before = open(file).read()
except FileNotFoundError:
    before = ""
config = json.loads(before) if before.strip() else {}
config.setdefault("runtimes", {})[name] = {"path": path, "runtimeArgs": args}
after = json.dumps(config, indent=2) + "\n"
if after == before:
    sys.exit(3)
open(file + ".airlock-tmp", "w").write(after)
os.replace(file + ".airlock-tmp", file)
'
set +e
if command -v node >/dev/null; then
  node -e "$merge_js" "$DAEMON_JSON" "$RUNTIME_NAME" "$PREFIX/runsc-airlock" "${RUNTIME_ARGS[@]}"
else
  python3 -c "$merge_py" "$DAEMON_JSON" "$RUNTIME_NAME" "$PREFIX/runsc-airlock" "${RUNTIME_ARGS[@]}"
fi
rc=$?
set -e
case "$rc" in
  0) changed=1; say "registered runtime $RUNTIME_NAME in $DAEMON_JSON" ;;
  3) changed="" ;;
  *) echo "install-gvisor.sh: could not update $DAEMON_JSON" >&2; exit 1 ;;
esac

pid="$(pidof dockerd || true)"
if [ -z "$pid" ]; then
  say "dockerd is not running; $RUNTIME_NAME will be available when it starts"
  exit 0
fi
runtime_listed() { docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q "\"$RUNTIME_NAME\""; }
if [ -n "$changed" ] || ! runtime_listed; then
  say "reloading dockerd (SIGHUP)"
  kill -HUP $pid
fi
for _ in $(seq 1 100); do runtime_listed && break; sleep 0.2; done
runtime_listed || { echo "install-gvisor.sh: dockerd does not list $RUNTIME_NAME; see the dockerd log" >&2; exit 1; }
say "docker runtime $RUNTIME_NAME ready (runsc $("$PREFIX/runsc" --version | sed -n '1s/^runsc version //p'))"
