#!/usr/bin/env bash
# Issues every node and admin identity from the organisations' Fabric CAs and lays out the MSP
# folders Fabric expects (NodeOUs enabled). Called by up.sh once the CAs are running.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require fabric-ca-client openssl

# fabric-ca-client against one CA, as that CA's bootstrap admin (for register) or as given by -u.
ca_client() {
  local ca="$1"
  shift
  FABRIC_CA_CLIENT_HOME="$ORGS_DIR/fabric-ca-clients/$ca" fabric-ca-client "$@" \
    --caname "ca-$ca" --tls.certfiles "$ORGS_DIR/fabric-ca/$ca/tls-cert.pem"
}

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

register() {
  local ca="$1" name="$2" secret="$3" type="$4" affiliation="$5"
  shift 5
  ca_client "$ca" register -u "https://localhost:$(ca_port "$ca")" \
    --id.name "$name" --id.secret "$secret" --id.type "$type" --id.affiliation "$affiliation" "$@"
}

enroll_msp() {
  local ca="$1" name="$2" secret="$3" msp="$4"
  ca_client "$ca" enroll -u "https://$name:$secret@localhost:$(ca_port "$ca")" -M "$msp"
  finish_msp "$msp"
}

# A TLS server/client certificate (profile tls) for the given host names, as server.crt/server.key/ca.crt.
enroll_tls() {
  local ca="$1" name="$2" secret="$3" dir="$4" hosts="$5" staging
  staging="$(mktemp -d)"
  ca_client "$ca" enroll -u "https://$name:$secret@localhost:$(ca_port "$ca")" -M "$staging" \
    --enrollment.profile tls --csr.hosts "$hosts"
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
  cp "$ORGS_DIR/fabric-ca/$ca/ca-cert.pem" "$msp/cacerts/ca.crt"
  # One CA per organisation issues both signing and TLS certificates (profile tls).
  cp "$ORGS_DIR/fabric-ca/$ca/ca-cert.pem" "$msp/tlscacerts/ca.crt"
  write_node_ous "$msp"
}

new_secret() { openssl rand -hex 16; }

enroll_ca_admin() {
  local ca="$1"
  ca_client "$ca" enroll -u "https://admin:$CA_ADMIN_SECRET@localhost:$(ca_port "$ca")"
}

enroll_orderer_org() {
  local n host secret admin_secret
  [[ -d "$ORDERER_ORG_DIR/msp" ]] && {
    log "orderer organisation already enrolled"
    return
  }
  log "orderer organisation"
  enroll_ca_admin orderer
  write_org_msp orderer "$ORDERER_ORG_DIR/msp"
  for n in "${ORDERERS[@]}"; do
    host="$(orderer_host "$n")"
    secret="$(new_secret)"
    register orderer "orderer$n" "$secret" orderer orderer.nodes
    enroll_msp orderer "orderer$n" "$secret" "$ORDERER_ORG_DIR/orderers/$host/msp"
    enroll_tls orderer "orderer$n" "$secret" "$ORDERER_ORG_DIR/orderers/$host/tls" "$host,localhost"
  done
  admin_secret="$(new_secret)"
  register orderer ordereradmin "$admin_secret" admin orderer.admins
  enroll_msp orderer ordereradmin "$admin_secret" "$ORDERER_ORG_DIR/users/Admin@orderer.$DOMAIN/msp"
  # Client certificate for osnadmin (the orderers' admin endpoints require mutual TLS).
  enroll_tls orderer ordereradmin "$admin_secret" "$ORDERER_ADMIN_TLS" "localhost"
}

enroll_hospital() {
  local hospital="$1" ca dir host secret admin_secret registrar_secret
  ca="hospital-$hospital"
  dir="$(hospital_dir "$hospital")"
  host="$(peer_host "$hospital")"
  [[ -d "$dir/msp" ]] && {
    log "$ca already enrolled"
    return
  }
  log "$ca"
  enroll_ca_admin "$ca"
  write_org_msp "$ca" "$dir/msp"

  secret="$(new_secret)"
  register "$ca" peer0 "$secret" peer "$ca.nodes"
  enroll_msp "$ca" peer0 "$secret" "$dir/peers/$host/msp"
  enroll_tls "$ca" peer0 "$secret" "$dir/peers/$host/tls" "$host,localhost"

  admin_secret="$(new_secret)"
  register "$ca" hospitaladmin "$admin_secret" admin "$ca"
  enroll_msp "$ca" hospitaladmin "$admin_secret" "$dir/users/Admin@$ca.$DOMAIN/msp"

  # The registrar the Custodia gateway uses (through fabric-ca-client) to register patients,
  # clinicians and staff: clients only, custodia.* attributes only, may revoke what it registered.
  registrar_secret="$(new_secret)"
  register "$ca" custodia-registrar "$registrar_secret" client "$ca" \
    --id.attrs 'hf.Registrar.Roles=client,hf.Registrar.Attributes=custodia.*,hf.Revoker=true'
  (
    umask 077
    printf '%s\n' "$registrar_secret" >"$dir/custodia-registrar.secret"
  )
}

enroll_orderer_org
for hospital in "${HOSPITALS[@]}"; do
  enroll_hospital "$hospital"
done
