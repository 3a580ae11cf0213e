#!/usr/bin/env bash
# Settings and helpers shared by the other scripts. Source it; do not run it.
set -euo pipefail

FABRIC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$FABRIC_DIR/../.." && pwd)"
set -a
# shellcheck source=../network.env
source "$FABRIC_DIR/network.env"
set +a

ORGS_DIR="$FABRIC_DIR/organizations"
ARTIFACTS_DIR="$FABRIC_DIR/channel-artifacts"
DOMAIN=custodia.example
HOSPITALS=(de fr it)
ORDERERS=(1 2 3)
ORDERER_ORG_DIR="$ORGS_DIR/ordererOrganizations/orderer.$DOMAIN"
ORDERER_CA="$ORDERER_ORG_DIR/msp/tlscacerts/ca.crt"
ORDERER_ADMIN_TLS="$ORDERER_ORG_DIR/users/Admin@orderer.$DOMAIN/tls"

log() { printf '\n== %s\n' "$*"; }

fail() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Exits unless every command is on PATH (Docker, the Fabric 2.5 and Fabric CA 1.5 binaries).
require() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 ||
      fail "'$cmd' not found: install Docker and the Fabric $FABRIC_VERSION / Fabric CA $FABRIC_CA_VERSION binaries (README.md)"
  done
}

# The peer CLI reads core.yaml from FABRIC_CFG_PATH (the config/ folder shipped with the binaries).
require_peer_config() {
  [[ -n "${FABRIC_CFG_PATH:-}" && -f "$FABRIC_CFG_PATH/core.yaml" ]] ||
    fail "set FABRIC_CFG_PATH to the folder holding the Fabric binaries' core.yaml"
}

compose() { docker compose --env-file "$FABRIC_DIR/network.env" "$@"; }

upper() { tr '[:lower:]' '[:upper:]' <<<"$1"; }
hospital_msp_id() { echo "Hospital$(upper "$1")MSP"; }
hospital_dir() { echo "$ORGS_DIR/peerOrganizations/hospital-$1.$DOMAIN"; }
peer_host() { echo "peer0.hospital-$1.$DOMAIN"; }

peer_port() {
  case "$1" in
    de) echo 7051 ;;
    fr) echo 8051 ;;
    it) echo 9051 ;;
    *) fail "unknown hospital '$1'" ;;
  esac
}

ca_port() {
  case "$1" in
    orderer) echo 7054 ;;
    hospital-de) echo 8054 ;;
    hospital-fr) echo 9054 ;;
    hospital-it) echo 10054 ;;
    *) fail "unknown CA '$1'" ;;
  esac
}

orderer_host() { echo "orderer$1.orderer.$DOMAIN"; }
orderer_port() { echo $((6050 + $1 * 1000)); }
orderer_admin_port() { echo $((6053 + $1 * 1000)); }

# Points the peer CLI at a hospital's peer, acting as that hospital's admin.
use_hospital() {
  local hospital="$1" dir
  dir="$(hospital_dir "$hospital")"
  export CORE_PEER_TLS_ENABLED=true
  CORE_PEER_LOCALMSPID="$(hospital_msp_id "$hospital")"
  export CORE_PEER_LOCALMSPID
  export CORE_PEER_MSPCONFIGPATH="$dir/users/Admin@hospital-$hospital.$DOMAIN/msp"
  export CORE_PEER_TLS_ROOTCERT_FILE="$dir/peers/$(peer_host "$hospital")/tls/ca.crt"
  CORE_PEER_ADDRESS="localhost:$(peer_port "$hospital")"
  export CORE_PEER_ADDRESS
}

# Orderer connection flags for peer CLI commands that submit to the ordering service.
orderer_flags() {
  echo "-o localhost:$(orderer_port 1) --tls --cafile $ORDERER_CA"
}
