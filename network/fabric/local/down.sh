#!/usr/bin/env bash
# Stops every process of the local network (by the pid each was started with), newest first. The data stays
# (local/up.sh resumes on it) unless --purge is given: then every key, ledger and CA database is deleted.
export FABRIC_TOPOLOGY=local
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$FABRIC_DIR/local/processes.sh"

for ((i = ${#ALL_PROCESSES[@]} - 1; i >= 0; i--)); do
  stop_process "${ALL_PROCESSES[i]}"
done
log "local network stopped"
if [[ "${1:-}" == --purge ]]; then
  rm -rf "$DATA_DIR"
  log "removed $DATA_DIR"
fi
