#!/usr/bin/env bash
# The Custodia Fabric network as plain processes on 127.0.0.1, without Docker: one Fabric CA per organisation,
# three Raft orderers, one peer per hospital, the channel, the chaincode as a service (one Node process per peer
# running this repository's chaincode/ build), and the connection file the gateway reads.
# Idempotent: what runs is left running, what exists is kept; run it again after a reboot or a crash.
# Binaries from FABRIC_BIN or PATH; node config from FABRIC_CFG_PATH (default: the release's config/ folder);
# the chaincode-as-a-service builder from FABRIC_CCAAS_BUILDER (default: the release's builders/ccaas).
export FABRIC_TOPOLOGY=local
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$FABRIC_DIR/local/processes.sh"
require fabric-ca-server fabric-ca-client orderer peer configtxgen osnadmin openssl node
require_peer_config
FABRIC_CCAAS_BUILDER="${FABRIC_CCAAS_BUILDER:-$(cd "$FABRIC_CFG_PATH/.." && pwd)/builders/ccaas}"
[[ -x "$FABRIC_CCAAS_BUILDER/bin/detect" && -x "$FABRIC_CCAAS_BUILDER/bin/build" && -x "$FABRIC_CCAAS_BUILDER/bin/release" ]] ||
  fail "no chaincode-as-a-service builder in $FABRIC_CCAAS_BUILDER (bin/detect, build, release): set FABRIC_CCAAS_BUILDER to the release's builders/ccaas folder"
# --check: only whether everything needed is there.
[[ "${1:-}" == --check ]] && exit 0

started=$SECONDS
mkdir -p "$DATA_DIR"
chmod 700 "$DATA_DIR"

# --- Fabric CAs ---------------------------------------------------------------------------------------------
for ca in "${CAS[@]}"; do
  is_running "ca-$ca" && continue
  log "CA $ca on 127.0.0.1:$(ca_port "$ca")"
  render_ca_config "$ca"
  FABRIC_CA_HOME="$(ca_home "$ca")" FABRIC_CA_SERVER_ADDRESS=127.0.0.1 FABRIC_CA_SERVER_PORT="$(ca_port "$ca")" \
    FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(ca_operations_port "$ca")" \
    start_process "ca-$ca" "$(command -v fabric-ca-server)" start
done
for ca in "${CAS[@]}"; do
  wait_for "ca-$ca" 60 test -s "$(ca_tls_root "$ca")"
  wait_for "ca-$ca" 60 fabric-ca-client getcainfo -u "$(ca_url "$ca")" --caname "ca-$ca" \
    --tls.certfiles "$(ca_tls_root "$ca")" -H "$DATA_DIR/run/cainfo-$ca"
done

"$FABRIC_DIR/scripts/enroll.sh"

# --- orderers -----------------------------------------------------------------------------------------------
for n in "${ORDERERS[@]}"; do
  is_running "orderer$n" && continue
  host="$(orderer_host "$n")"
  node_dir="$ORDERER_ORG_DIR/orderers/$host"
  home="$DATA_DIR/nodes/$host"
  mkdir -p "$home"
  log "orderer$n on 127.0.0.1:$(orderer_port "$n") (admin $(orderer_admin_port "$n"))"
  (
    export FABRIC_LOGGING_SPEC=INFO
    export ORDERER_GENERAL_LISTENADDRESS=127.0.0.1 ORDERER_GENERAL_LISTENPORT="$(orderer_port "$n")"
    export ORDERER_GENERAL_LOCALMSPID=OrdererMSP ORDERER_GENERAL_LOCALMSPDIR="$node_dir/msp"
    export ORDERER_GENERAL_TLS_ENABLED=true ORDERER_GENERAL_TLS_CERTIFICATE="$node_dir/tls/server.crt"
    export ORDERER_GENERAL_TLS_PRIVATEKEY="$node_dir/tls/server.key" ORDERER_GENERAL_TLS_ROOTCAS="[$node_dir/tls/ca.crt]"
    # Raft traffic reuses the main listener, authenticated with the same TLS identity.
    export ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="$node_dir/tls/server.crt"
    export ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="$node_dir/tls/server.key"
    export ORDERER_GENERAL_CLUSTER_ROOTCAS="[$node_dir/tls/ca.crt]"
    # No system channel: channels are joined through the channel participation API (osnadmin).
    export ORDERER_GENERAL_BOOTSTRAPMETHOD=none ORDERER_CHANNELPARTICIPATION_ENABLED=true
    export ORDERER_ADMIN_LISTENADDRESS="127.0.0.1:$(orderer_admin_port "$n")" ORDERER_ADMIN_TLS_ENABLED=true
    export ORDERER_ADMIN_TLS_CERTIFICATE="$node_dir/tls/server.crt" ORDERER_ADMIN_TLS_PRIVATEKEY="$node_dir/tls/server.key"
    export ORDERER_ADMIN_TLS_ROOTCAS="[$node_dir/tls/ca.crt]" ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true
    export ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$node_dir/tls/ca.crt]"
    export ORDERER_FILELEDGER_LOCATION="$home/ledger" ORDERER_CONSENSUS_WALDIR="$home/etcdraft/wal"
    export ORDERER_CONSENSUS_SNAPDIR="$home/etcdraft/snapshot"
    export ORDERER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(orderer_operations_port "$n")" ORDERER_METRICS_PROVIDER=disabled
    start_process "orderer$n" "$(command -v orderer)"
  )
done

# --- peers --------------------------------------------------------------------------------------------------
for hospital in "${HOSPITALS[@]}"; do
  is_running "peer-$hospital" && continue
  host="$(peer_host "$hospital")"
  node_dir="$(hospital_dir "$hospital")/peers/$host"
  home="$DATA_DIR/nodes/$host"
  mkdir -p "$home"
  address="127.0.0.1:$(peer_port "$hospital")"
  log "peer0.hospital-$hospital on $address"
  (
    export FABRIC_LOGGING_SPEC=INFO
    export CORE_PEER_ID="$host" CORE_PEER_ADDRESS="$address" CORE_PEER_LISTENADDRESS="$address"
    export CORE_PEER_CHAINCODEADDRESS="127.0.0.1:$(peer_chaincode_port "$hospital")"
    export CORE_PEER_CHAINCODELISTENADDRESS="127.0.0.1:$(peer_chaincode_port "$hospital")"
    export CORE_PEER_GOSSIP_BOOTSTRAP="$address" CORE_PEER_GOSSIP_EXTERNALENDPOINT="$address"
    export CORE_PEER_LOCALMSPID="$(hospital_msp_id "$hospital")" CORE_PEER_MSPCONFIGPATH="$node_dir/msp"
    export CORE_PEER_TLS_ENABLED=true CORE_PEER_TLS_CERT_FILE="$node_dir/tls/server.crt"
    export CORE_PEER_TLS_KEY_FILE="$node_dir/tls/server.key" CORE_PEER_TLS_ROOTCERT_FILE="$node_dir/tls/ca.crt"
    export CORE_PEER_FILESYSTEMPATH="$home/production" CORE_LEDGER_SNAPSHOTS_ROOTDIR="$home/snapshots"
    # The Gateway service that @hyperledger/fabric-gateway clients (Custodia's connect()) call.
    export CORE_PEER_GATEWAY_ENABLED=true CORE_LEDGER_STATE_STATEDATABASE=goleveldb
    # Chaincode as a service only: the CCaaS builder, no Docker endpoint. The builder fills connection.json's
    # {{.address}} from CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: this peer's own chaincode server.
    export CORE_CHAINCODE_EXTERNALBUILDERS="[{name: ccaas, path: $FABRIC_CCAAS_BUILDER, propagateEnvironment: [CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG]}]"
    export CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG="{\"address\":\"127.0.0.1:$(chaincode_server_port "$hospital")\"}"
    export CORE_VM_ENDPOINT=
    export CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:$(peer_operations_port "$hospital")" CORE_METRICS_PROVIDER=disabled
    start_process "peer-$hospital" "$(command -v peer)" node start
  )
done
for hospital in "${HOSPITALS[@]}"; do
  wait_for "peer-$hospital" 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$(peer_port "$hospital")"
done
for n in "${ORDERERS[@]}"; do
  wait_for "orderer$n" 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$(orderer_admin_port "$n")"
done

"$FABRIC_DIR/scripts/create-channel.sh"
"$FABRIC_DIR/scripts/deploy-chaincode.sh"
"$FABRIC_DIR/scripts/write-connection-file.sh"

log "Custodia's Fabric network runs on 127.0.0.1 ($((SECONDS - started)) s)"
cat <<EOF
  connection file   $DATA_DIR/connection.json
  registrars        $DATA_DIR/registrars.json
  logs              $LOG_DIR/
For the gateway and the tests:
  export CUSTODIA_NETWORK=fabric CUSTODIA_CONNECTION_FILE=$DATA_DIR/connection.json
  export CUSTODIA_CA_REGISTRARS="\$(cat $DATA_DIR/registrars.json)"
Stop: network/fabric/local/down.sh (add --purge to delete every key, ledger and CA database)
EOF
