#!/usr/bin/env bash
# Settings and helpers shared by the scripts of both topologies. Source it; do not run it.
#   FABRIC_TOPOLOGY=docker (scripts/*.sh, compose files) or local (local/*.sh, plain processes on loopback):
#   the organisations, identities, MSP layout and channel are the same; host names, ports and where the
#   generated material lives differ.
set -euo pipefail

FABRIC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$FABRIC_DIR/../.." && pwd)"
set -a
# shellcheck source=../network.env
source "$FABRIC_DIR/network.env"
set +a

FABRIC_TOPOLOGY="${FABRIC_TOPOLOGY:-docker}"
DOMAIN=custodia.example
HOSPITALS=(de fr it)
ORDERERS=(1 2 3)
CAS=(orderer hospital-de hospital-fr hospital-it)

# Generated material: key material, CA homes, channel artifacts (git-ignored in both places).
if [[ "$FABRIC_TOPOLOGY" == local ]]; then
  DATA_DIR="${CUSTODIA_FABRIC_DIR:-$REPO_DIR/.custodia/fabric}"
else
  DATA_DIR="$FABRIC_DIR"
fi
ORGS_DIR="$DATA_DIR/organizations"
ARTIFACTS_DIR="$DATA_DIR/channel-artifacts"
# Bootstrap and registrar secrets, one file each (0600); never printed.
SECRETS_DIR="$ORGS_DIR/secrets"
ORDERER_ORG_DIR="$ORGS_DIR/ordererOrganizations/orderer.$DOMAIN"
ORDERER_CA="$ORDERER_ORG_DIR/msp/tlscacerts/ca.crt"
ORDERER_ADMIN_TLS="$ORDERER_ORG_DIR/users/Admin@orderer.$DOMAIN/tls"

log() { printf '\n== %s\n' "$*"; }

# The command-line tools report warnings and errors only; the nodes log at INFO to their own files.
export FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-warning}"

fail() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# The release binaries: FABRIC_BIN (the bin/ folder of the official release tarballs) or PATH.
if [[ -n "${FABRIC_BIN:-}" ]]; then
  [[ -d "$FABRIC_BIN" ]] || fail "FABRIC_BIN=$FABRIC_BIN is not a folder"
  PATH="$FABRIC_BIN:$PATH"
fi

# Exits unless every command is found (FABRIC_BIN or PATH).
require() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 ||
      fail "'$cmd' not found: put the Fabric $FABRIC_VERSION and Fabric CA $FABRIC_CA_VERSION release binaries on PATH or set FABRIC_BIN to their bin/ folder (network/fabric/README.md says how to get them)"
  done
}

# The peer CLI and the nodes read core.yaml / orderer.yaml from FABRIC_CFG_PATH; by default the config/
# folder the release tarball unpacks next to bin/.
require_peer_config() {
  if [[ -z "${FABRIC_CFG_PATH:-}" ]]; then
    local bin
    bin="$(dirname "$(command -v peer)")"
    FABRIC_CFG_PATH="$(cd "$bin/.." && pwd)/config"
  fi
  [[ -f "$FABRIC_CFG_PATH/core.yaml" && -f "$FABRIC_CFG_PATH/orderer.yaml" ]] ||
    fail "no core.yaml and orderer.yaml in $FABRIC_CFG_PATH: set FABRIC_CFG_PATH to the release's config/ folder"
  export FABRIC_CFG_PATH
}

upper() { tr '[:lower:]' '[:upper:]' <<<"$1"; }
hospital_msp_id() { echo "Hospital$(upper "$1")MSP"; }
hospital_dir() { echo "$ORGS_DIR/peerOrganizations/hospital-$1.$DOMAIN"; }
peer_host() { echo "peer0.hospital-$1.$DOMAIN"; }
orderer_host() { echo "orderer$1.orderer.$DOMAIN"; }
hospital_admin_msp() { echo "$(hospital_dir "$1")/users/Admin@hospital-$1.$DOMAIN/msp"; }

# Index of a hospital in the port plan (de 1, fr 2, it 3).
hospital_index() {
  case "$1" in
    de) echo 1 ;;
    fr) echo 2 ;;
    it) echo 3 ;;
    *) fail "unknown hospital '$1'" ;;
  esac
}

# The subject every certificate of an organisation carries: its real name and country.
ca_organisation() {
  case "$1" in
    orderer) echo "Custodia Ordering Service" ;;
    hospital-*) echo "Hospital $(upper "${1#hospital-}")" ;;
    *) fail "unknown CA '$1'" ;;
  esac
}
ca_country() {
  case "$1" in
    orderer) echo "" ;;
    hospital-*) upper "${1#hospital-}" ;;
    *) fail "unknown CA '$1'" ;;
  esac
}
# The organisation's affiliation root. Not "orderer": Fabric CA writes affiliations as OUs too, and an OU equal
# to a NodeOU identifier (client, peer, admin, orderer) twice makes the MSP refuse the identity.
ca_affiliation() {
  case "$1" in
    orderer) echo ordering ;;
    *) echo "$1" ;;
  esac
}
csr_names() {
  local country
  country="$(ca_country "$1")"
  echo "${country:+C=$country,}O=$(ca_organisation "$1")"
}

# Port plan. docker: Fabric's conventional ports on the Docker host. local: 11xxx on 127.0.0.1, clear of the
# embedded network's defaults (7051, 7054, 8054, 9054) and the gateway's 8080; hospital k (de 1, fr 2, it 3)
# uses 11k51–11k56, orderer n uses 110n0–110n2, the orderer CA 11054–11055.
# Keep the local ports in step with the CustodiaChannelLocal profile of configtx.yaml.
ca_port() {
  if [[ "$FABRIC_TOPOLOGY" == local ]]; then
    case "$1" in
      orderer) echo 11054 ;;
      hospital-*) echo "11$(hospital_index "${1#hospital-}")54" ;;
      *) fail "unknown CA '$1'" ;;
    esac
  else
    case "$1" in
      orderer) echo 7054 ;;
      hospital-de) echo 8054 ;;
      hospital-fr) echo 9054 ;;
      hospital-it) echo 10054 ;;
      *) fail "unknown CA '$1'" ;;
    esac
  fi
}
ca_operations_port() { echo $(($(ca_port "$1") + 1)); }

peer_port() {
  if [[ "$FABRIC_TOPOLOGY" == local ]]; then
    echo "11$(hospital_index "$1")51"
  else
    case "$1" in
      de) echo 7051 ;;
      fr) echo 8051 ;;
      it) echo 9051 ;;
      *) fail "unknown hospital '$1'" ;;
    esac
  fi
}
# local only: the peer's chaincode listener and operations endpoint, and the chaincode server it dials.
peer_chaincode_port() { echo $(($(peer_port "$1") + 1)); }
peer_operations_port() { echo $(($(peer_port "$1") + 2)); }
chaincode_server_port() { echo $(($(peer_port "$1") + 5)); }

orderer_port() {
  if [[ "$FABRIC_TOPOLOGY" == local ]]; then echo $((11000 + $1 * 10)); else echo $((6050 + $1 * 1000)); fi
}
orderer_admin_port() {
  if [[ "$FABRIC_TOPOLOGY" == local ]]; then echo $((11001 + $1 * 10)); else echo $((6053 + $1 * 1000)); fi
}
orderer_operations_port() { echo $((11002 + $1 * 10)); }

# Where a CA keeps its home (configuration, keys, SQLite registry, TLS certificate).
ca_home() { echo "$ORGS_DIR/fabric-ca/$1"; }
# The CA's own certificate: the MSP root and the root of its HTTPS certificate (tls-cert.pem is the leaf the
# CA issued itself; Node refuses a leaf as trust anchor: "unable to verify the first certificate").
ca_tls_root() { echo "$(ca_home "$1")/ca-cert.pem"; }
ca_url() { echo "https://127.0.0.1:$(ca_port "$1")"; }

# A secret file (0600) made once: 32 random bytes as hex. Its value is never printed.
secret_file() {
  local file="$SECRETS_DIR/$1.secret"
  if [[ ! -s "$file" ]]; then
    mkdir -p "$SECRETS_DIR"
    chmod 700 "$SECRETS_DIR"
    (
      umask 077
      openssl rand -hex 32 >"$file"
    )
  fi
  echo "$file"
}

# The CA's configuration, rendered from the one template with this CA's names and bootstrap secret.
render_ca_config() {
  local ca="$1" home secret
  home="$(ca_home "$ca")"
  secret="$(cat "$(secret_file "$ca-bootstrap")")"
  mkdir -p "$home"
  (
    umask 077
    sed -e "s|@CA_NAME@|ca-$ca|g" -e "s|@CA_HOST@|ca.$ca.$DOMAIN|g" \
      -e "s|@ORGANISATION@|$(ca_organisation "$ca")|g" -e "s|@COUNTRY@|$(ca_country "$ca")|g" \
      -e "s|@AFFILIATION@|$(ca_affiliation "$ca")|g" -e "s|@BOOTSTRAP_SECRET@|$secret|g" \
      "$FABRIC_DIR/ca/fabric-ca-server-config.yaml" >"$home/fabric-ca-server-config.yaml"
  )
}

# fabric-ca-client against one CA as that CA's bootstrap admin (enrolled in its own client home). Secrets go
# through the environment, never the command line (visible in ps) or the terminal.
ca_client() {
  local ca="$1"
  shift
  FABRIC_CA_CLIENT_HOME="$ORGS_DIR/fabric-ca-clients/$ca" fabric-ca-client "$@" \
    --caname "ca-$ca" --tls.certfiles "$(ca_tls_root "$ca")" --loglevel warning
}

# Points the peer CLI at a hospital's peer, acting as that hospital's admin.
use_hospital() {
  local hospital="$1" dir
  dir="$(hospital_dir "$hospital")"
  export CORE_PEER_TLS_ENABLED=true
  CORE_PEER_LOCALMSPID="$(hospital_msp_id "$hospital")"
  export CORE_PEER_LOCALMSPID
  CORE_PEER_MSPCONFIGPATH="$(hospital_admin_msp "$hospital")"
  export CORE_PEER_MSPCONFIGPATH
  export CORE_PEER_TLS_ROOTCERT_FILE="$dir/peers/$(peer_host "$hospital")/tls/ca.crt"
  CORE_PEER_ADDRESS="127.0.0.1:$(peer_port "$hospital")"
  export CORE_PEER_ADDRESS
}

# Orderer connection flags for peer CLI commands that submit to the ordering service.
orderer_flags() {
  echo "-o 127.0.0.1:$(orderer_port 1) --tls --cafile $ORDERER_CA"
}
