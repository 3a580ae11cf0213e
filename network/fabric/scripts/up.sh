#!/usr/bin/env bash
# Docker topology: starts the CAs, issues the identities (first run only) and starts orderers and peers.
# Next: create-channel.sh, then deploy-chaincode.sh. (The same network without Docker: local/up.sh.)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require docker fabric-ca-client openssl

# Each CA's home is a host folder seeded with its configuration (the one template, this CA's values).
for ca in "${CAS[@]}"; do
  render_ca_config "$ca"
done

log "starting Fabric CAs"
docker compose --env-file "$FABRIC_DIR/network.env" -f "$FABRIC_DIR/compose/compose-ca.yaml" up -d

# A CA is ready when it has written its certificate and answers cainfo over TLS.
for ca in "${CAS[@]}"; do
  for attempt in $(seq 1 30); do
    if [[ -f "$(ca_tls_root "$ca")" ]] &&
      fabric-ca-client getcainfo -u "$(ca_url "$ca")" --caname "ca-$ca" \
        --tls.certfiles "$(ca_tls_root "$ca")" -H "$(mktemp -d)" >/dev/null 2>&1; then
      break
    fi
    [[ "$attempt" == 30 ]] && fail "CA $ca did not start; see: docker logs ca.$ca.$DOMAIN"
    sleep 1
  done
done

"$FABRIC_DIR/scripts/enroll.sh"

log "starting orderers and peers"
docker compose --env-file "$FABRIC_DIR/network.env" -f "$FABRIC_DIR/compose/compose-network.yaml" up -d
"$FABRIC_DIR/scripts/write-connection-file.sh"
log "network is up; next: scripts/create-channel.sh"
