# Sourced by the runner's bash scripts. Builtins only: a fork bomb that exhausts the pids limit must not
# keep the runner from counting or ending the analysis user's processes.

# Sets $live to the number of running (not zombie) processes of this user other than this script.
count_live() {
  live=0
  local d pid key val rest state uid
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    [ "$pid" = "$$" ] && continue
    state=""; uid=""
    { while read -r key val rest; do
        case "$key" in State:) state=$val ;; Uid:) uid=$val; break ;; esac
      done < "$d/status"; } 2>/dev/null || continue
    if [ "$uid" = "$UID" ] && [ "$state" != Z ]; then live=$((live + 1)); fi
  done
}

exec {sleep_fd}<> <(:)
# nap SECONDS: sleeps without forking.
nap() { read -r -t "$1" -u "$sleep_fd" _ 2>/dev/null; }

# Kills every process of this user but this script, until none is left, for at most 200 passes or 5 s of
# the clock (under a loaded host a pass over a fork bomb's /proc takes long: the caller, not this loop, decides
# whether to wait longer); returns 1 if some survived.
kill_all_but_self() {
  local i end=$(( ${EPOCHREALTIME//[.,]/} + 5000000 ))
  # Kill first, count after: under a fork bomb every pass over /proc is slow, so none is wasted.
  for ((i = 0; i < 200; i++)); do
    kill -KILL -1 2>/dev/null
    nap 0.02
    count_live
    [ "$live" -eq 0 ] && return 0
    [ "${EPOCHREALTIME//[.,]/}" -ge "$end" ] && return 1
  done
  return 1
}
