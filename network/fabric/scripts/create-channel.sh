#!/usr/bin/env bash
# Creates the channel without a system channel: configtxgen writes the genesis block, every orderer joins it
# through the channel participation API (osnadmin), then every hospital's peer joins. Either topology;
# orderers and peers already on the channel are left as they are.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require configtxgen osnadmin peer
require_peer_config

BLOCK="$ARTIFACTS_DIR/$CHANNEL_NAME.block"
if [[ "$FABRIC_TOPOLOGY" == local ]]; then PROFILE=CustodiaChannelLocal; else PROFILE=CustodiaChannel; fi
mkdir -p "$ARTIFACTS_DIR"

if [[ ! -s "$BLOCK" ]]; then
  log "genesis block of channel $CHANNEL_NAME (profile $PROFILE)"
  # configtxgen resolves the MSP and certificate paths from the configuration file's folder: put a copy next
  # to the generated material.
  [[ "$DATA_DIR" -ef "$FABRIC_DIR" ]] || cp "$FABRIC_DIR/configtx.yaml" "$DATA_DIR/configtx.yaml"
  configtxgen -configPath "$DATA_DIR" -profile "$PROFILE" -channelID "$CHANNEL_NAME" -outputBlock "$BLOCK.tmp"
  mv "$BLOCK.tmp" "$BLOCK"
fi

osnadmin_flags() {
  echo "-o 127.0.0.1:$(orderer_admin_port "$1") --ca-file $ORDERER_CA --client-cert $ORDERER_ADMIN_TLS/server.crt --client-key $ORDERER_ADMIN_TLS/server.key"
}

for n in "${ORDERERS[@]}"; do
  # shellcheck disable=SC2046 # osnadmin_flags is a list of flags
  if osnadmin channel list --channelID "$CHANNEL_NAME" $(osnadmin_flags "$n") 2>/dev/null | grep -q 'Status: 200'; then
    continue
  fi
  log "orderer$n joins $CHANNEL_NAME"
  # shellcheck disable=SC2046
  osnadmin channel join --channelID "$CHANNEL_NAME" --config-block "$BLOCK" $(osnadmin_flags "$n") >/dev/null
done

# Peers fetch blocks from the orderers once a Raft leader exists; joining itself only needs the block.
for hospital in "${HOSPITALS[@]}"; do
  use_hospital "$hospital"
  peer channel getinfo -c "$CHANNEL_NAME" >/dev/null 2>&1 && continue
  log "peer0.hospital-$hospital joins $CHANNEL_NAME"
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    peer channel join -b "$BLOCK" 2>/dev/null && break
    [[ "$attempt" == 10 ]] && fail "peer0.hospital-$hospital could not join $CHANNEL_NAME"
    sleep 2
  done
done
# Anchor peers come from configtx.yaml (configtxgen puts them into the genesis block).
