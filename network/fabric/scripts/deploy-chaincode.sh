#!/usr/bin/env bash
# Builds the @custodia/chaincode image, packages it as chaincode-as-a-service, installs it on every
# peer, has every hospital approve the definition (endorsement policy: the channel's
# /Channel/Application/Endorsement, MAJORITY), commits it and starts one chaincode container per peer.
# For an upgrade, raise CC_VERSION and CC_SEQUENCE in network.env and run it again.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require docker peer tar
require_peer_config

LABEL="${CC_NAME}_${CC_VERSION}"
PACKAGE="$ARTIFACTS_DIR/$LABEL.tgz"
mkdir -p "$ARTIFACTS_DIR"

log "building image $CC_IMAGE:$CC_VERSION"
docker build -f "$FABRIC_DIR/chaincode/Dockerfile" -t "$CC_IMAGE:$CC_VERSION" "$REPO_DIR"

log "packaging $LABEL (type ccaas: the package holds connection.json, not code)"
staging="$(mktemp -d)"
cp "$FABRIC_DIR/chaincode/connection.json" "$staging/"
sed "s/\"label\": *\"[^\"]*\"/\"label\": \"$LABEL\"/" "$FABRIC_DIR/chaincode/metadata.json" >"$staging/metadata.json"
tar -C "$staging" -czf "$staging/code.tar.gz" connection.json
tar -C "$staging" -czf "$PACKAGE" metadata.json code.tar.gz
rm -rf "$staging"
PACKAGE_ID="$(peer lifecycle chaincode calculatepackageid "$PACKAGE")"
echo "package id: $PACKAGE_ID"

for hospital in "${HOSPITALS[@]}"; do
  use_hospital "$hospital"
  if peer lifecycle chaincode queryinstalled | grep -q "$PACKAGE_ID"; then
    echo "already installed on peer0.hospital-$hospital"
  else
    log "installing on peer0.hospital-$hospital"
    peer lifecycle chaincode install "$PACKAGE"
  fi
done

# The containers must run before the first transaction reaches the chaincode.
log "starting chaincode containers"
CHAINCODE_ID="$PACKAGE_ID" compose -f "$FABRIC_DIR/compose/compose-chaincode.yaml" up -d

DEFINITION=(--channelID "$CHANNEL_NAME" --name "$CC_NAME" --version "$CC_VERSION" --sequence "$CC_SEQUENCE"
  --channel-config-policy /Channel/Application/Endorsement)

for hospital in "${HOSPITALS[@]}"; do
  log "Hospital$(upper "$hospital")MSP approves $CC_NAME $CC_VERSION (sequence $CC_SEQUENCE)"
  use_hospital "$hospital"
  # shellcheck disable=SC2046 # orderer_flags is a list of flags
  peer lifecycle chaincode approveformyorg $(orderer_flags) "${DEFINITION[@]}" --package-id "$PACKAGE_ID"
done

use_hospital de
peer lifecycle chaincode checkcommitreadiness "${DEFINITION[@]}" --output json

# The commit needs endorsements satisfying LifecycleEndorsement (MAJORITY): ask every peer.
PEERS=()
for hospital in "${HOSPITALS[@]}"; do
  PEERS+=(--peerAddresses "localhost:$(peer_port "$hospital")"
    --tlsRootCertFiles "$(hospital_dir "$hospital")/peers/$(peer_host "$hospital")/tls/ca.crt")
done
log "committing $CC_NAME on $CHANNEL_NAME"
# shellcheck disable=SC2046
peer lifecycle chaincode commit $(orderer_flags) "${DEFINITION[@]}" "${PEERS[@]}"
peer lifecycle chaincode querycommitted --channelID "$CHANNEL_NAME" --name "$CC_NAME"
log "chaincode $CC_NAME $CC_VERSION is live on $CHANNEL_NAME"
