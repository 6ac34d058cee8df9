#!/usr/bin/env bash
# Installs gVisor's runsc (Debian trixie's build, binary only) and registers it with Docker as the
# runtimes `airlock-runsc` (selected syscalls) and `airlock-runsc-all` (every syscall). Both record each
# container's syscalls, as seen by the gVisor Sentry, into
#   /var/lib/airlock/gvisor-logs/<full container id>/runsc.log.<yyyymmdd-hhmmss.uuuuuu>.boot.txt
# on the host (outside anything the container can see). Idempotent; needs root.
#
# Pieces:
#   /usr/local/lib/airlock/gvisor/runsc          the binary, from the pinned .deb (sha256 checked)
#   /usr/local/lib/airlock/gvisor/runsc-airlock  a small wrapper Docker calls instead of runsc: it reads
#                                                the container id from the shim's --log path and adds
#                                                --debug-log=<log root>/<id>/ (runsc 20240729 has no %ID%
#                                                in --debug-log, only %TIMESTAMP%, %COMMAND%)
#   /etc/docker/daemon.json                      runtimes.airlock-runsc{,-all} {path, runtimeArgs}, merged in;
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

# Flags for every runsc invocation (Docker puts runtimeArgs before the shim's own flags):
#   --platform=systrap     (kvm hangs on these machines)
#   --network=host         use the container's own network namespace; gVisor's netstack cannot run in a
#                          namespace joined with NetworkMode container:<id>
#   --overlay2=none        writes land in the real container rootfs, so `docker diff`/`docker cp` see them
#                          (the default root:self keeps them in a gVisor filestore file that Docker cannot read)
#   --strace ...           the Sentry logs syscalls (E/X lines) into the boot debug log; data blobs (write/read
#                          buffers, sendmsg/recvmsg iovecs; not sendto/recvfrom, which show only the pointer)
#                          are cut at 4096 bytes, as the runner's `strace -s 4096` cuts strings
#   --debug                debug-level Sentry lines too: signal deliveries ("Signal 9, PID: 3, TID: 3, ...:
#                          terminating thread group"), task exits, thread renames, exec start/wait with status
#                          (about +3% log volume)
#   --debug-log-format=json  one JSON object a line ({"msg","level","time"}): a path or comm holding a newline
#                          cannot split or forge a line, as it can in the text format (paths are printed raw)
#   --debug-command=boot   only the sandbox (boot) writes a debug log file: no create/start/state/kill/... files
RUNTIME_ARGS=(
  --platform=systrap
  --network=host
  --overlay2=none
  --strace
  --strace-log-size=4096
  --debug
  --debug-log-format=json
  --debug-command=boot
)
# airlock-runsc traces what sandbox-images/npm/runner/bin/airlock-phase traces (%process, file, %network,
# set*id, ptrace) plus a few sandbox-escape calls; airlock-runsc-all traces every syscall (about 20x the log).
# runsc refuses to start the sandbox on an unknown name (this build lacks openat2 and pidfd_getfd).
TRACED_SYSCALLS="execve,execveat,fork,vfork,clone,clone3,exit,exit_group,wait4,waitid,kill,tkill,tgkill,\
rt_sigqueueinfo,rt_tgsigqueueinfo,pidfd_open,pidfd_send_signal,\
open,openat,creat,stat,lstat,newfstatat,statx,access,faccessat,faccessat2,unlink,unlinkat,rename,renameat,\
renameat2,chmod,fchmod,fchmodat,chown,fchown,lchown,fchownat,symlink,symlinkat,link,linkat,mkdir,mkdirat,rmdir,\
truncate,ftruncate,chdir,fchdir,getdents64,\
socket,socketpair,bind,listen,accept,accept4,connect,getsockname,getpeername,sendto,recvfrom,sendmsg,recvmsg,\
sendmmsg,recvmmsg,shutdown,setsockopt,getsockopt,\
setuid,setgid,setreuid,setregid,setresuid,setresgid,ptrace,prctl,mount,memfd_create,process_vm_readv,process_vm_writev"
RUNTIMES=(airlock-runsc airlock-runsc-all)
runtime_args() { # runtime_args NAME: the runtimeArgs of that runtime, one a line
  printf '%s\n' "${RUNTIME_ARGS[@]}"
  case "$1" in airlock-runsc) printf '%s\n' "--strace-syscalls=$TRACED_SYSCALLS" ;; esac
}

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
# The log root and each sandbox's folder belong to the group of the Docker socket (2770, setgid): a worker
# that runs as a non-root member of that group (the compose worker) reads each record and deletes it;
# nobody else can. Members of that group are root on this host in effect anyway (they can start containers).
LOG_GROUP="$(stat -c %g /var/run/docker.sock 2>/dev/null || getent group docker | cut -d: -f3 || echo 0)"
install -d -m 2770 -g "${LOG_GROUP:-0}" "$LOG_ROOT"
chgrp "${LOG_GROUP:-0}" "$LOG_ROOT" && chmod 2770 "$LOG_ROOT"
wrapper="$(cat <<EOF
#!/bin/sh
# Written by scripts/install-gvisor.sh. Docker's runc shim calls this as
#   runsc-airlock <runtimeArgs> --root R --log .../io.containerd.runtime.v2.task/moby/<id>/log.json
#                 --log-format json <command> ... <id>
# It adds --debug-log=$LOG_ROOT/<id>/ so the sandbox's boot log (with the strace lines) is per container.
runsc=$PREFIX/runsc
log_root=$LOG_ROOT
id=
prev=
create=
for a in "\$@"; do
  [ "\$a" = create ] && create=1
  case "\$prev" in --log|-log) id=\${a%/*}; id=\${id##*/} ;; esac
  case "\$a" in --log=*|-log=*) id=\${a#*=}; id=\${id%/*}; id=\${id##*/} ;; esac
  prev=\$a
done
case "\$id" in
  *[!0-9a-f]*|'') exec "\$runsc" "\$@" ;;
esac
[ \${#id} -eq 64 ] || exec "\$runsc" "\$@"
# Made here (group-writable, the group inherited from the setgid root) so a non-root worker can delete it.
# Only at create: a later call (state, kill, delete) must not make it again after the worker deleted it.
[ -z "\$create" ] || mkdir -m 2770 "\$log_root/\$id" 2>/dev/null || true
exec "\$runsc" "--debug-log=\$log_root/\$id/" "\$@"
EOF
)"
if [ "$(cat "$PREFIX/runsc-airlock" 2>/dev/null || true)" != "$wrapper" ]; then
  printf '%s\n' "$wrapper" >"$PREFIX/runsc-airlock.new"
  chmod 0755 "$PREFIX/runsc-airlock.new"
  mv -f "$PREFIX/runsc-airlock.new" "$PREFIX/runsc-airlock"
  say "wrote $PREFIX/runsc-airlock"
fi

# --- 3. register the runtimes with Docker -------------------------------------------------------
# The merge script gets: FILE, then per runtime "@runtime" NAME PATH ARG...; it keeps every other key
# and runtime, exits 3 when the file already says exactly this.
install -d -m 0755 "$(dirname "$DAEMON_JSON")"
merge_js='
const fs = require("fs");
const [file, ...rest] = process.argv.slice(1);
let before = "";
try { before = fs.readFileSync(file, "utf8"); } catch (e) { if (e.code !== "ENOENT") throw e; }
const config = before.trim() ? JSON.parse(before) : {};
config.runtimes = config.runtimes || {};
let cur = null;
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === "@runtime") { cur = { path: rest[i + 2], runtimeArgs: [] }; config.runtimes[rest[i + 1]] = cur; i += 2; }
  else cur.runtimeArgs.push(rest[i]);
}
if (JSON.stringify(config) === JSON.stringify(before.trim() ? JSON.parse(before) : null)) process.exit(3);
fs.writeFileSync(file + ".airlock-tmp", JSON.stringify(config, null, 2) + "\n");
fs.renameSync(file + ".airlock-tmp", file);
'
merge_py='
import json, os, sys
file, rest = sys.argv[1], sys.argv[2:]
try:
    before = open(file).read()
except FileNotFoundError:
    before = ""
old = json.loads(before) if before.strip() else None
config = json.loads(before) if before.strip() else {}
runtimes = config.setdefault("runtimes", {})
i = 0
while i < len(rest):
    if rest[i] == "@runtime":
        cur = {"path": rest[i + 2], "runtimeArgs": []}
        runtimes[rest[i + 1]] = cur
        i += 3
    else:
        cur["runtimeArgs"].append(rest[i])
        i += 1
if config == old:
    sys.exit(3)
with open(file + ".airlock-tmp", "w") as f:
    f.write(json.dumps(config, indent=2) + "\n")
os.replace(file + ".airlock-tmp", file)
'
merge_args=()
for name in "${RUNTIMES[@]}"; do
  merge_args+=(@runtime "$name" "$PREFIX/runsc-airlock")
  while IFS= read -r a; do merge_args+=("$a"); done < <(runtime_args "$name")
done
set +e
if command -v node >/dev/null; then
  node -e "$merge_js" "$DAEMON_JSON" "${merge_args[@]}"
else
  python3 -c "$merge_py" "$DAEMON_JSON" "${merge_args[@]}"
fi
rc=$?
set -e
case "$rc" in
  0) changed=1; say "registered runtimes ${RUNTIMES[*]} in $DAEMON_JSON" ;;
  3) changed="" ;;
  *) echo "install-gvisor.sh: could not update $DAEMON_JSON" >&2; exit 1 ;;
esac

pid="$(pidof dockerd || true)"
if [ -z "$pid" ]; then
  say "dockerd is not running; ${RUNTIMES[*]} will be available when it starts"
  exit 0
fi
# True when the running dockerd has our runtimes with exactly the path and runtimeArgs of daemon.json.
check_js='
const fs = require("fs");
const [file, live, ...names] = process.argv.slice(1);
const want = JSON.parse(fs.readFileSync(file, "utf8")).runtimes || {};
const have = JSON.parse(live) || {};
const same = (a, b) => a && b && a.path === b.path && JSON.stringify(a.runtimeArgs || []) === JSON.stringify(b.runtimeArgs || []);
process.exit(names.every((n) => same(want[n], have[n])) ? 0 : 1);
'
check_py='
import json, sys
file, live, names = sys.argv[1], sys.argv[2], sys.argv[3:]
want = json.load(open(file)).get("runtimes", {})
have = json.loads(live) or {}
same = lambda a, b: bool(a) and bool(b) and a.get("path") == b.get("path") and (a.get("runtimeArgs") or []) == (b.get("runtimeArgs") or [])
sys.exit(0 if all(same(want.get(n), have.get(n)) for n in names) else 1)
'
runtimes_listed() {
  local live
  live="$(docker info --format '{{json .Runtimes}}' 2>/dev/null)" || return 1
  if command -v node >/dev/null; then
    node -e "$check_js" "$DAEMON_JSON" "$live" "${RUNTIMES[@]}"
  else
    python3 -c "$check_py" "$DAEMON_JSON" "$live" "${RUNTIMES[@]}"
  fi
}
if [ -n "$changed" ] || ! runtimes_listed; then
  say "reloading dockerd (SIGHUP)"
  # shellcheck disable=SC2086 # pidof may print several pids
  kill -HUP $pid
fi
for _ in $(seq 1 100); do runtimes_listed && break; sleep 0.2; done
runtimes_listed || { echo "install-gvisor.sh: dockerd does not list ${RUNTIMES[*]}; see the dockerd log" >&2; exit 1; }
say "docker runtimes ${RUNTIMES[*]} ready (runsc $("$PREFIX/runsc" --version | sed -n '1s/^runsc version //p'))"
