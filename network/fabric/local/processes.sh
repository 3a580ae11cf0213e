#!/usr/bin/env bash
# Plain processes of the local topology: started detached with a pid file and a log file each, stopped by that
# pid only. Source it after scripts/lib.sh; do not run it.

RUN_DIR="$DATA_DIR/run"
LOG_DIR="$DATA_DIR/logs"

pid_of() {
  local file="$RUN_DIR/$1.pid"
  [[ -s "$file" ]] && cat "$file"
}

# True when the process recorded for `name` still runs the program it was started with (a pid reused by
# another program after a reboot does not count).
is_running() {
  local name="$1" pid
  pid="$(pid_of "$name")" || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"$(cat "$RUN_DIR/$name.cmd")"* ]]
}

# start_process NAME PROGRAM ARGS… — with the caller's exported environment, in its own session, output to
# logs/NAME.log. A process already running under that name is left alone.
start_process() {
  local name="$1"
  shift
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  is_running "$name" && return
  printf '%s' "$*" >"$RUN_DIR/$name.cmd"
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

# stop_process NAME: TERM, then KILL after 10 s.
stop_process() {
  local name="$1" pid attempt
  if is_running "$name"; then
    pid="$(pid_of "$name")"
    kill -TERM "$pid" 2>/dev/null || true
    for attempt in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$RUN_DIR/$name.pid" "$RUN_DIR/$name.cmd"
}

# wait_for NAME SECONDS COMMAND…: until COMMAND succeeds; fails with the log's tail if NAME exits or time runs out.
wait_for() {
  local name="$1" seconds="$2" attempt
  shift 2
  for attempt in $(seq 1 $((seconds * 2))); do
    "$@" >/dev/null 2>&1 && return
    if ! is_running "$name"; then
      tail -n 20 "$LOG_DIR/$name.log" >&2
      fail "$name exited; its log: $LOG_DIR/$name.log"
    fi
    sleep 0.5
  done
  tail -n 20 "$LOG_DIR/$name.log" >&2
  fail "$name did not become ready in ${seconds}s; its log: $LOG_DIR/$name.log"
}

# Every process name of the topology, in start order (stopped in reverse).
ALL_PROCESSES=()
for ca in "${CAS[@]}"; do ALL_PROCESSES+=("ca-$ca"); done
for n in "${ORDERERS[@]}"; do ALL_PROCESSES+=("orderer$n"); done
for hospital in "${HOSPITALS[@]}"; do ALL_PROCESSES+=("peer-$hospital"); done
for hospital in "${HOSPITALS[@]}"; do ALL_PROCESSES+=("chaincode-$hospital"); done
