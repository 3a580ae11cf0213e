#!/usr/bin/env bash
# Creates the channel without a system channel: configtxgen writes the genesis block, every orderer
# joins it through the channel participation API (osnadmin), then every hospital's peer joins.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require configtxgen osnadmin peer
require_peer_config

BLOCK="$ARTIFACTS_DIR/$CHANNEL_NAME.block"
mkdir -p "$ARTIFACTS_DIR"

log "genesis block for channel $CHANNEL_NAME"
configtxgen -configPath "$FABRIC_DIR" -profile CustodiaChannel -channelID "$CHANNEL_NAME" -outputBlock "$BLOCK"

for n in "${ORDERERS[@]}"; do
  log "orderer$n joins $CHANNEL_NAME"
  osnadmin channel join --channelID "$CHANNEL_NAME" --config-block "$BLOCK" \
    -o "localhost:$(orderer_admin_port "$n")" --ca-file "$ORDERER_CA" \
    --client-cert "$ORDERER_ADMIN_TLS/server.crt" --client-key "$ORDERER_ADMIN_TLS/server.key"
done

# Peers fetch blocks from the orderers once a Raft leader exists; joining itself only needs the block.
for hospital in "${HOSPITALS[@]}"; do
  log "peer0.hospital-$hospital joins $CHANNEL_NAME"
  use_hospital "$hospital"
  for attempt in 1 2 3 4 5; do
    peer channel join -b "$BLOCK" && break
    [[ "$attempt" == 5 ]] && fail "peer0.hospital-$hospital could not join $CHANNEL_NAME"
    sleep 2
  done
done

log "channel $CHANNEL_NAME created (anchor peers come from configtx.yaml); next: scripts/deploy-chaincode.sh"
