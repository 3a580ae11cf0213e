#!/usr/bin/env bash
# Deploys @custodia/chaincode as chaincode-as-a-service: packages connection.json (the package holds no code),
# installs it on every peer, starts one chaincode server per peer (Docker: an image built from this repository;
# local: a Node process running this repository's chaincode/ build), has every hospital approve the definition
# (endorsement policy: the channel's /Channel/Application/Endorsement, MAJORITY) and commits it. Steps already
# done are skipped; the chaincode servers are restarted so that they run the current code.
# For an upgrade of the definition, raise CC_VERSION and CC_SEQUENCE in network.env and run it again.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require peer tar discover
require_peer_config

LABEL="${CC_NAME}_${CC_VERSION}"
PACKAGE="$ARTIFACTS_DIR/$LABEL.tgz"
mkdir -p "$ARTIFACTS_DIR"

# Made once and kept: its hash is the package id every peer installs.
if [[ ! -s "$PACKAGE" ]]; then
  log "packaging $LABEL (type ccaas)"
  staging="$(mktemp -d)"
  cp "$FABRIC_DIR/chaincode/connection.json" "$staging/"
  sed "s/\"label\": *\"[^\"]*\"/\"label\": \"$LABEL\"/" "$FABRIC_DIR/chaincode/metadata.json" >"$staging/metadata.json"
  tar -C "$staging" -czf "$staging/code.tar.gz" connection.json
  tar -C "$staging" -czf "$PACKAGE.tmp" metadata.json code.tar.gz
  mv "$PACKAGE.tmp" "$PACKAGE"
  rm -rf "$staging"
fi
PACKAGE_ID="$(peer lifecycle chaincode calculatepackageid "$PACKAGE")"

for hospital in "${HOSPITALS[@]}"; do
  use_hospital "$hospital"
  peer lifecycle chaincode queryinstalled --output json | grep -q "\"$PACKAGE_ID\"" && continue
  log "installing $LABEL on peer0.hospital-$hospital"
  peer lifecycle chaincode install "$PACKAGE" 2>/dev/null
done

# The chaincode servers must run before the first transaction reaches the chaincode.
if [[ "$FABRIC_TOPOLOGY" == local ]]; then
  "$FABRIC_DIR/local/chaincode-servers.sh" "$PACKAGE_ID"
else
  require docker
  log "building image $CC_IMAGE:$CC_VERSION"
  docker build -f "$FABRIC_DIR/chaincode/Dockerfile" -t "$CC_IMAGE:$CC_VERSION" "$REPO_DIR"
  log "starting chaincode containers"
  CHAINCODE_ID="$PACKAGE_ID" docker compose --env-file "$FABRIC_DIR/network.env" \
    -f "$FABRIC_DIR/compose/compose-chaincode.yaml" up -d
fi

DEFINITION=(--channelID "$CHANNEL_NAME" --name "$CC_NAME" --version "$CC_VERSION" --sequence "$CC_SEQUENCE"
  --channel-config-policy /Channel/Application/Endorsement)

# approve_and_commit: every hospital approves the definition, then one commits it (MAJORITY LifecycleEndorsement).
approve_and_commit() {
  local hospital attempt
  for hospital in "${HOSPITALS[@]}"; do
    use_hospital "$hospital"
    peer lifecycle chaincode queryapproved --channelID "$CHANNEL_NAME" --name "$CC_NAME" --sequence "$CC_SEQUENCE" \
      >/dev/null 2>&1 && continue
    log "$(hospital_msp_id "$hospital") approves $CC_NAME $CC_VERSION (sequence $CC_SEQUENCE)"
    # shellcheck disable=SC2046 # orderer_flags is a list of flags
    peer lifecycle chaincode approveformyorg $(orderer_flags) "${DEFINITION[@]}" --package-id "$PACKAGE_ID" \
      --waitForEvent 2>/dev/null
  done

  # The commit needs endorsements satisfying LifecycleEndorsement (MAJORITY): ask every peer.
  local peers=()
  for hospital in "${HOSPITALS[@]}"; do
    peers+=(--peerAddresses "127.0.0.1:$(peer_port "$hospital")"
      --tlsRootCertFiles "$(hospital_dir "$hospital")/peers/$(peer_host "$hospital")/tls/ca.crt")
  done
  use_hospital de
  log "committing $CC_NAME on $CHANNEL_NAME"
  for attempt in 1 2 3 4 5; do
    # Approvals reach every peer through blocks; a commit that runs ahead of them is refused, so retry.
    # shellcheck disable=SC2046
    peer lifecycle chaincode commit $(orderer_flags) "${DEFINITION[@]}" "${peers[@]}" --waitForEvent 2>/dev/null && break
    [[ "$attempt" == 5 ]] && fail "could not commit $CC_NAME"
    sleep 2
  done
  peer lifecycle chaincode querycommitted --channelID "$CHANNEL_NAME" --name "$CC_NAME"
}

use_hospital de
peer lifecycle chaincode querycommitted --channelID "$CHANNEL_NAME" --name "$CC_NAME" 2>/dev/null |
  grep -q "Sequence: $CC_SEQUENCE," || approve_and_commit

# Ready when every peer's discovery service finds endorsers satisfying the chaincode's policy: the Gateway
# service endorses through it, and gossip needs a few seconds after a (re)start to spread which peers exist and
# which chaincode each has installed. Until then a client's submit fails "no combination of peers…".
log "waiting until every peer's discovery service finds endorsers for $CC_NAME"
for hospital in "${HOSPITALS[@]}"; do
  use_hospital "$hospital"
  admin_msp="$(hospital_admin_msp "$hospital")"
  for attempt in $(seq 1 120); do
    discover endorsers --channel "$CHANNEL_NAME" --chaincode "$CC_NAME" --server "$CORE_PEER_ADDRESS" \
      --peerTLSCA "$CORE_PEER_TLS_ROOTCERT_FILE" --userCert "$admin_msp/signcerts/cert.pem" \
      --userKey "$(echo "$admin_msp"/keystore/*_sk)" --MSP "$CORE_PEER_LOCALMSPID" >/dev/null 2>&1 && break
    [[ "$attempt" == 120 ]] && fail "peer0.hospital-$hospital finds no endorsers satisfying $CC_NAME's policy"
    sleep 0.5
  done
done
