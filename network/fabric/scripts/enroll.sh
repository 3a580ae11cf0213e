#!/usr/bin/env bash
# Issues every node and admin identity from the organisations' Fabric CAs and lays out the MSP folders Fabric
# expects (NodeOUs enabled); registers each hospital's Custodia registrar. Called by up.sh (either topology)
# once the CAs answer; an organisation whose MSP folder exists is left as it is.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require fabric-ca-client openssl

# NodeOUs: identities are client / peer / admin / orderer by the OU Fabric CA writes from their type.
write_node_ous() {
  local msp="$1" role
  {
    echo "NodeOUs:"
    echo "  Enable: true"
    for role in Client Peer Admin Orderer; do
      echo "  ${role}OUIdentifier:"
      echo "    Certificate: cacerts/ca.crt"
      echo "    OrganizationalUnitIdentifier: $(tr '[:upper:]' '[:lower:]' <<<"$role")"
    done
  } >"$msp/config.yaml"
}

# Renames the CA certificate to cacerts/ca.crt (the name config.yaml refers to) and adds NodeOUs.
finish_msp() {
  local msp="$1"
  mv "$msp"/cacerts/*.pem "$msp/cacerts/ca.crt"
  write_node_ous "$msp"
}

# Registers an identity with the secret in `secret_file` (the CA answers with it on stdout: discarded); one
# registered by an interrupted earlier run is kept.
register() {
  local ca="$1" name="$2" secret_file="$3" type="$4" affiliation="$5"
  shift 5
  ca_client "$ca" identity list --id "$name" -u "$(ca_url "$ca")" >/dev/null 2>&1 && return
  FABRIC_CA_CLIENT_ID_SECRET="$(cat "$secret_file")" ca_client "$ca" register -u "$(ca_url "$ca")" \
    --id.name "$name" --id.type "$type" --id.affiliation "$affiliation" "$@" >/dev/null
}

# fabric-ca-client enrol with the name and secret in the URL, passed through the environment.
enroll() {
  local ca="$1" name="$2" secret_file="$3"
  shift 3
  FABRIC_CA_CLIENT_URL="https://$name:$(cat "$secret_file")@127.0.0.1:$(ca_port "$ca")" \
    ca_client "$ca" enroll --csr.names "$(csr_names "$ca")" "$@"
}

enroll_msp() {
  local ca="$1" name="$2" secret_file="$3" msp="$4"
  enroll "$ca" "$name" "$secret_file" -M "$msp"
  finish_msp "$msp"
}

# A TLS server/client certificate (profile tls) for the given host names, as server.crt/server.key/ca.crt.
enroll_tls() {
  local ca="$1" name="$2" secret_file="$3" dir="$4" hosts="$5" staging
  staging="$(mktemp -d)"
  enroll "$ca" "$name" "$secret_file" -M "$staging" --enrollment.profile tls --csr.hosts "$hosts"
  mkdir -p "$dir"
  cp "$staging"/signcerts/*.pem "$dir/server.crt"
  cp "$staging"/keystore/*_sk "$dir/server.key"
  cp "$staging"/tlscacerts/*.pem "$dir/ca.crt"
  chmod 600 "$dir/server.key"
  rm -rf "$staging"
}

# The organisation MSP that goes into the channel configuration: CA and TLS CA certificates only.
write_org_msp() {
  local ca="$1" msp="$2"
  mkdir -p "$msp/cacerts" "$msp/tlscacerts"
  cp "$(ca_home "$ca")/ca-cert.pem" "$msp/cacerts/ca.crt"
  # One CA per organisation issues both signing and TLS certificates (profile tls).
  cp "$(ca_home "$ca")/ca-cert.pem" "$msp/tlscacerts/ca.crt"
  write_node_ous "$msp"
}

# The CA's bootstrap admin, enrolled in the CA's client home (register, revoke, gencrl act as it).
enroll_ca_admin() {
  local ca="$1"
  enroll "$ca" admin "$(secret_file "$ca-bootstrap")"
}

enroll_orderer_org() {
  local n host secret admin_secret
  [[ -d "$ORDERER_ORG_DIR/msp" ]] && return
  log "orderer organisation: identities"
  enroll_ca_admin orderer
  for n in "${ORDERERS[@]}"; do
    host="$(orderer_host "$n")"
    secret="$(secret_file "orderer$n")"
    register orderer "orderer$n" "$secret" orderer "$(ca_affiliation orderer).nodes"
    enroll_msp orderer "orderer$n" "$secret" "$ORDERER_ORG_DIR/orderers/$host/msp"
    enroll_tls orderer "orderer$n" "$secret" "$ORDERER_ORG_DIR/orderers/$host/tls" "$host,localhost,127.0.0.1"
  done
  admin_secret="$(secret_file ordereradmin)"
  register orderer ordereradmin "$admin_secret" admin "$(ca_affiliation orderer).admins"
  enroll_msp orderer ordereradmin "$admin_secret" "$ORDERER_ORG_DIR/users/Admin@orderer.$DOMAIN/msp"
  # Client certificate for osnadmin (the orderers' admin endpoints require mutual TLS).
  enroll_tls orderer ordereradmin "$admin_secret" "$ORDERER_ADMIN_TLS" "localhost,127.0.0.1"
  # Last: its presence marks the organisation as done.
  write_org_msp orderer "$ORDERER_ORG_DIR/msp"
}

enroll_hospital() {
  local hospital="$1" ca dir host secret admin_secret
  ca="hospital-$hospital"
  dir="$(hospital_dir "$hospital")"
  host="$(peer_host "$hospital")"
  [[ -d "$dir/msp" ]] && return
  log "$ca: identities"
  enroll_ca_admin "$ca"

  secret="$(secret_file "$ca-peer0")"
  register "$ca" peer0 "$secret" peer "$ca.nodes"
  enroll_msp "$ca" peer0 "$secret" "$dir/peers/$host/msp"
  enroll_tls "$ca" peer0 "$secret" "$dir/peers/$host/tls" "$host,localhost,127.0.0.1"

  admin_secret="$(secret_file "$ca-admin")"
  register "$ca" hospitaladmin "$admin_secret" admin "$ca.admins"
  enroll_msp "$ca" hospitaladmin "$admin_secret" "$(hospital_admin_msp "$hospital")"

  # The registrar the Custodia gateway uses (through fabric-ca-client) to register patients, clinicians and
  # staff: clients only, custodia.* attributes only, may revoke what it registered. One per organisation,
  # each with its own secret (the gateway's CUSTODIA_CA_REGISTRARS names the files).
  register "$ca" custodia-registrar "$(secret_file "$ca-registrar")" client "$ca" \
    --id.attrs 'hf.Registrar.Roles=client,hf.Registrar.Attributes=custodia.*,hf.Revoker=true'
  write_org_msp "$ca" "$dir/msp"
}

enroll_orderer_org
for hospital in "${HOSPITALS[@]}"; do
  enroll_hospital "$hospital"
done
