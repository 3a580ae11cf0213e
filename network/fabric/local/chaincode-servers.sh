#!/usr/bin/env bash
# Starts (or restarts, to run the current code) one chaincode server per peer: this repository's chaincode/
# build under fabric-chaincode-node, listening where the peer's CCaaS builder points it
# (CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG in local/up.sh). Usage: chaincode-servers.sh PACKAGE_ID
export FABRIC_TOPOLOGY=local
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$FABRIC_DIR/local/processes.sh"
PACKAGE_ID="${1:?usage: chaincode-servers.sh PACKAGE_ID}"
SHIM="$REPO_DIR/node_modules/.bin/fabric-chaincode-node"
[[ -x "$SHIM" ]] || fail "fabric-chaincode-node not found: run npm install at the repository root"

log "building chaincode/"
"$REPO_DIR/node_modules/.bin/tsc" -b "$REPO_DIR/chaincode"

for hospital in "${HOSPITALS[@]}"; do
  stop_process "chaincode-$hospital"
  address="127.0.0.1:$(chaincode_server_port "$hospital")"
  log "chaincode server for peer0.hospital-$hospital on $address"
  (
    cd "$REPO_DIR/chaincode"
    # Peer ↔ chaincode traffic stays on loopback, so without TLS (tls_required: false in connection.json).
    CORE_CHAINCODE_LOGGING_LEVEL="${CORE_CHAINCODE_LOGGING_LEVEL:-warning}" \
      start_process "chaincode-$hospital" "$(command -v node)" "$SHIM" server \
      --chaincode-address "$address" --chaincode-id "$PACKAGE_ID"
  )
done
for hospital in "${HOSPITALS[@]}"; do
  wait_for "chaincode-$hospital" 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$(chaincode_server_port "$hospital")"
done
