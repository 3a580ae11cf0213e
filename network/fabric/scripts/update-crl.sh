#!/usr/bin/env bash
# Makes the peers refuse every certificate a hospital's CA has revoked (e.g. a user the gateway disabled):
# the CA's CRL goes into that organisation's MSP in the channel configuration. Either topology.
# Usage: scripts/update-crl.sh <hospital: de | fr | it, or its MSP id>
#
#   1. fabric-ca-client gencrl — the CA's current revocation list, signed by the CA. Revoking at the CA alone
#      changes nothing on the ledger: a peer checks certificates only against the CRLs of the MSP in the channel
#      configuration.
#   2. peer channel fetch config — the channel's current configuration block, from the ordering service.
#   3. configtxlator — decode it, put the CRL into the organisation's MSP `revocation_list` (replacing the older
#      one: each CRL lists every revocation so far), and compute the configuration update (only that value).
#   4. signatures — the update must satisfy the modification policy of what it changes: the MSP value's
#      mod_policy as the channel configuration states it. Fabric's default is the organisation's own Admins
#      (OR('<MSP>.admin')): one hospital may update its own revocations and nobody else's. Should a channel set
#      /Channel/Application/Admins (MAJORITY Admins) instead, every hospital's admin signs.
#   5. peer channel update — the orderers check the signatures against the policy, order the configuration
#      block, and from that block on every peer refuses the revoked certificates' proposals and transactions.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require fabric-ca-client peer configtxlator node
require_peer_config

hospital="${1:?usage: update-crl.sh <de|fr|it|Hospital<XX>MSP>}"
[[ "$hospital" =~ ^Hospital([A-Z]{2})MSP$ ]] && hospital="$(tr '[:upper:]' '[:lower:]' <<<"${BASH_REMATCH[1]}")"
hospital_index "$hospital" >/dev/null
ca="hospital-$hospital"
msp="$(hospital_msp_id "$hospital")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

log "$msp: CRL from its CA"
ca_client "$ca" gencrl -u "$(ca_url "$ca")"
crl="$ORGS_DIR/fabric-ca-clients/$ca/msp/crls/crl.pem"
[[ -s "$crl" ]] || fail "the CA wrote no CRL"

log "$msp: channel configuration"
use_hospital "$hospital"
# shellcheck disable=SC2046 # orderer_flags is a list of flags
peer channel fetch config "$work/config_block.pb" -c "$CHANNEL_NAME" $(orderer_flags) 2>/dev/null
configtxlator proto_decode --input "$work/config_block.pb" --type common.Block --output "$work/config_block.json"

# The configuration, the same with the new CRL, and who must sign: "org" or "all".
signers="$(node - "$work" "$msp" "$crl" <<'NODE'
const { readFileSync, writeFileSync } = require('node:fs');
const [work, msp, crlFile] = process.argv.slice(2);
const block = JSON.parse(readFileSync(`${work}/config_block.json`, 'utf8'));
const config = block.data.data[0].payload.data.config;
writeFileSync(`${work}/config.json`, JSON.stringify(config));
const org = config.channel_group.groups.Application.groups[msp];
if (!org) throw new Error(`${msp} is not an organisation of the channel`);
const value = org.values.MSP;
value.value.config.revocation_list = [readFileSync(crlFile).toString('base64')];
writeFileSync(`${work}/modified.json`, JSON.stringify(config));
// A relative policy name is the organisation's own (its Admins); an absolute one spans organisations.
process.stdout.write(value.mod_policy.startsWith('/') ? 'all' : 'org');
NODE
)"

configtxlator proto_encode --input "$work/config.json" --type common.Config --output "$work/config.pb"
configtxlator proto_encode --input "$work/modified.json" --type common.Config --output "$work/modified.pb"
if cmp -s "$work/config.pb" "$work/modified.pb"; then
  log "$msp: the channel already holds this CRL"
  exit 0
fi
configtxlator compute_update --channel_id "$CHANNEL_NAME" --original "$work/config.pb" \
  --updated "$work/modified.pb" --output "$work/update.pb"
configtxlator proto_decode --input "$work/update.pb" --type common.ConfigUpdate --output "$work/update.json"
node - "$work" "$CHANNEL_NAME" <<'NODE'
const { readFileSync, writeFileSync } = require('node:fs');
const [work, channel] = process.argv.slice(2);
const update = JSON.parse(readFileSync(`${work}/update.json`, 'utf8'));
const envelope = {
  payload: { header: { channel_header: { channel_id: channel, type: 2 } }, data: { config_update: update } },
};
writeFileSync(`${work}/envelope.json`, JSON.stringify(envelope));
NODE
configtxlator proto_encode --input "$work/envelope.json" --type common.Envelope --output "$work/envelope.pb"

if [[ "$signers" == all ]]; then
  for other in "${HOSPITALS[@]}"; do
    [[ "$other" == "$hospital" ]] && continue
    log "$(hospital_msp_id "$other")'s admin signs"
    use_hospital "$other"
    peer channel signconfigtx -f "$work/envelope.pb" 2>/dev/null
  done
fi

log "$msp's admin signs and submits the configuration update"
use_hospital "$hospital"
# shellcheck disable=SC2046
peer channel update -f "$work/envelope.pb" -c "$CHANNEL_NAME" $(orderer_flags) 2>/dev/null

# Done when every peer has committed the new configuration block (the channel's last configuration block now).
number=""
for attempt in $(seq 1 30); do
  # shellcheck disable=SC2046
  peer channel fetch config "$work/new_block.pb" -c "$CHANNEL_NAME" $(orderer_flags) 2>/dev/null
  configtxlator proto_decode --input "$work/new_block.pb" --type common.Block --output "$work/new_block.json"
  number="$(node -e 'const b = require(process.argv[1]); console.log(b.header.number)' "$work/new_block.json")"
  ((number > $(node -e 'console.log(require(process.argv[1]).header.number)' "$work/config_block.json"))) && break
  sleep 0.5
done
for other in "${HOSPITALS[@]}"; do
  use_hospital "$other"
  for attempt in $(seq 1 60); do
    height="$(peer channel getinfo -c "$CHANNEL_NAME" 2>/dev/null | sed -n 's/.*"height":\([0-9]*\).*/\1/p')"
    ((${height:-0} > number)) && break
    [[ "$attempt" == 60 ]] && fail "peer0.hospital-$other has not committed the configuration block $number"
    sleep 0.5
  done
done
log "$msp: every peer refuses the certificates its CA revoked (configuration block $number)"
