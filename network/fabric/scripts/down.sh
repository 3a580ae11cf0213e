#!/usr/bin/env bash
# Docker topology: stops and removes every container and volume, and deletes all generated key material, CA
# databases and channel artifacts. Pass --keep-image to keep the chaincode image.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require docker

# All three files form one compose project (custodia). compose-chaincode.yaml requires CHAINCODE_ID;
# its value does not matter for tearing down.
CHAINCODE_ID=unused docker compose --env-file "$FABRIC_DIR/network.env" -f "$FABRIC_DIR/compose/compose-ca.yaml" \
  -f "$FABRIC_DIR/compose/compose-network.yaml" -f "$FABRIC_DIR/compose/compose-chaincode.yaml" \
  down --volumes --remove-orphans

# The CA containers write their homes as root; remove them from a container.
if [[ -d "$ORGS_DIR" || -d "$ARTIFACTS_DIR" ]]; then
  docker run --rm -v "$FABRIC_DIR:/fabric" busybox rm -rf /fabric/organizations /fabric/channel-artifacts \
    /fabric/connection.json /fabric/registrars.json
fi

if [[ "${1:-}" != "--keep-image" ]]; then
  docker image rm "$CC_IMAGE:$CC_VERSION" 2>/dev/null || true
fi
log "network removed"
