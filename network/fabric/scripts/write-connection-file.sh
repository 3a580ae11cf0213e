#!/usr/bin/env bash
# Writes what the Custodia gateway and tests need to reach the network:
#   connection.json  — the file CUSTODIA_CONNECTION_FILE names: every hospital's peer (TLS CA inline), the
#                      channel and chaincode, each organisation's country and CA (URL, name, TLS root), the
#                      chaincode's endorsement policy (MAJORITY);
#   registrars.json  — the value of CUSTODIA_CA_REGISTRARS: each organisation's registrar id and the file
#                      holding its secret (the secrets themselves stay in their 0600 files).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require node

peers=() organisations=() registrars=()
for hospital in "${HOSPITALS[@]}"; do
  ca="hospital-$hospital"
  msp="$(hospital_msp_id "$hospital")"
  peers+=("127.0.0.1:$(peer_port "$hospital")|$msp|$(hospital_dir "$hospital")/msp/tlscacerts/ca.crt")
  organisations+=("$msp|$(ca_country "$ca")|$(ca_url "$ca")|ca-$ca|$(ca_tls_root "$ca")")
  registrars+=("$msp|custodia-registrar|$(secret_file "$ca-registrar")")
done

PEERS="$(printf '%s\n' "${peers[@]}")" ORGANISATIONS="$(printf '%s\n' "${organisations[@]}")" \
  REGISTRARS="$(printf '%s\n' "${registrars[@]}")" node - "$DATA_DIR" <<'NODE'
const { readFileSync, writeFileSync, renameSync } = require('node:fs');
const { join } = require('node:path');
const rows = (name) => process.env[name].split('\n').filter(Boolean).map((line) => line.split('|'));
const pem = (file) => readFileSync(file, 'utf8');
const write = (file, value) => {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
};
const dir = process.argv[2];
write(join(dir, 'connection.json'), {
  channelName: process.env.CHANNEL_NAME,
  chaincodeName: process.env.CC_NAME,
  // Peers are dialled at 127.0.0.1; TLS checks the name "localhost" their certificates also carry (a TLS
  // server name cannot be an IP address, RFC 6066).
  peers: rows('PEERS').map(([endpoint, mspId, tls]) => ({
    endpoint,
    mspId,
    tlsCaCertificate: pem(tls),
    hostnameOverride: 'localhost',
  })),
  organisations: rows('ORGANISATIONS').map(([mspId, country, url, caName, tls]) => ({
    mspId,
    country,
    ca: { url, caName, tlsCaCertificate: pem(tls) },
  })),
  // The chaincode definition's policy: the channel's /Channel/Application/Endorsement, MAJORITY (configtx.yaml).
  // With it the client keeps endorsements away from an organisation whose peers it found down or hung.
  endorsementPolicy: 'majority',
});
write(
  join(dir, 'registrars.json'),
  Object.fromEntries(rows('REGISTRARS').map(([mspId, id, secretFile]) => [mspId, { id, secretFile }])),
);
NODE
