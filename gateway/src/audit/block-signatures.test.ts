/**
 * The orderer's block signatures as a real Fabric 2.5.4 network writes them (test/fixtures/fabric-2.5.4: the
 * genesis block of a channel whose ordering organisation is the config group "OrdererOrg" with MSP id
 * "OrdererMSP", and block 7 of that channel).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { common, msp } from '@hyperledger/fabric-protos';
import { channelConfigOf } from '@custodia/ledger';
import { createGenesisBlock } from '@custodia/network';
import { BlockSignatureVerifier, ordererIssuersOf } from './block-signatures';
import { DISCREPANCY_KINDS } from './discrepancy';

const FIXTURES = path.join(__dirname, '../../test/fixtures/fabric-2.5.4');
const load = (name: string): common.Block =>
  common.Block.deserializeBinary(readFileSync(path.join(FIXTURES, name)));

/** The root certificates of an organisation of the real genesis configuration, by its config group. */
function rootsOf(section: 'Orderer' | 'Application', group: string): string[] {
  const value = channelConfigOf(load('genesis.block'))
    ?.getChannelGroup()
    ?.getGroupsMap()
    .get(section)
    ?.getGroupsMap()
    .get(group)
    ?.getValuesMap()
    .get('MSP')
    ?.getValue_asU8();
  if (!value) throw new Error(`no MSP for ${group}`);
  const config = msp.FabricMSPConfig.deserializeBinary(
    msp.MSPConfig.deserializeBinary(value).getConfig_asU8(),
  );
  return config.getRootCertsList_asU8().map((pem) => new TextDecoder().decode(pem));
}

/** A genesis block whose ordering organisation OrdererMSP has these roots. */
function genesisWithOrdererRoots(rootCertificates: string[]): common.Block {
  return createGenesisBlock({
    channelId: 'custodia',
    organisations: [{ mspId: 'HospitalDEMSP', rootCertificates: rootsOf('Application', 'HospitalDEMSP') }],
    ordererOrganisation: { mspId: 'OrdererMSP', rootCertificates },
    batch: { maxMessageCount: 10, timeoutMs: 100 },
    timestamp: new Date('2025-01-01T00:00:00Z'),
    nonce: new Uint8Array(24),
  });
}

function verify(genesis: common.Block, block: common.Block): string[] {
  const verifier = new BlockSignatureVerifier();
  return [...verifier.check(genesis), ...verifier.check(block)].map((discrepancy) => discrepancy.kind);
}

it('names the ordering organisation by its MSP id, which a signer names, not by its config group', () => {
  expect([...ordererIssuersOf(load('genesis.block')).keys()]).toEqual(['OrdererMSP']);
});

it('accepts a block a real orderer signed', () => {
  expect(verify(load('genesis.block'), load('block7.block'))).toEqual([]);
});

it('names a block whose header was changed after the orderer signed it', () => {
  const block = load('block7.block');
  const header = block.getHeader();
  if (!header) throw new Error('no header');
  const dataHash = Uint8Array.from(header.getDataHash_asU8());
  dataHash[0] = (dataHash[0] ?? 0) ^ 0x01;
  header.setDataHash(dataHash);
  expect(verify(load('genesis.block'), block)).toEqual([DISCREPANCY_KINDS.BLOCK_SIGNATURE_INVALID]);
});

it('refuses a valid signature by a certificate the ordering organisation’s roots did not issue', () => {
  // The same orderer signature, judged against a channel whose ordering organisation trusts a hospital's CA.
  expect(verify(genesisWithOrdererRoots(rootsOf('Orderer', 'OrdererOrg')), load('block7.block'))).toEqual([]);
  expect(
    verify(genesisWithOrdererRoots(rootsOf('Application', 'HospitalDEMSP')), load('block7.block')),
  ).toEqual([DISCREPANCY_KINDS.BLOCK_SIGNATURE_INVALID]);
});
