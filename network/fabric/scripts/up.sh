#!/usr/bin/env bash
# Starts the CAs, issues the identities (first run only) and starts orderers and peers.
# Next: create-channel.sh, then deploy-chaincode.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require docker fabric-ca-client openssl

CAS=(orderer hospital-de hospital-fr hospital-it)

# Each CA's home is a host folder seeded with its configuration.
for ca in "${CAS[@]}"; do
  mkdir -p "$ORGS_DIR/fabric-ca/$ca"
  cp "$FABRIC_DIR/ca/$ca/fabric-ca-server-config.yaml" "$ORGS_DIR/fabric-ca/$ca/"
done

log "starting Fabric CAs"
compose -f "$FABRIC_DIR/compose/compose-ca.yaml" up -d

# A CA is ready when it has written its TLS certificate and answers cainfo over TLS.
for ca in "${CAS[@]}"; do
  for attempt in $(seq 1 30); do
    if [[ -f "$ORGS_DIR/fabric-ca/$ca/tls-cert.pem" ]] &&
      fabric-ca-client getcainfo -u "https://localhost:$(ca_port "$ca")" --caname "ca-$ca" \
        --tls.certfiles "$ORGS_DIR/fabric-ca/$ca/tls-cert.pem" -H "$(mktemp -d)" >/dev/null 2>&1; then
      break
    fi
    [[ "$attempt" == 30 ]] && fail "CA $ca did not start; see: docker logs ca.$ca.$DOMAIN"
    sleep 1
  done
done

"$FABRIC_DIR/scripts/enroll.sh"

log "starting orderers and peers"
compose -f "$FABRIC_DIR/compose/compose-network.yaml" up -d
log "network is up; next: scripts/create-channel.sh"
