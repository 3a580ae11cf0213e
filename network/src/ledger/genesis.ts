import { common, msp, orderer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { computeTxId } from '../engine/proposal';
import { createBlock, sealBlock } from './blocks';
import { nextCommitHash, updateBatchBytes } from './commit-hash';

/** An organisation of the channel and the CA certificates its MSP trusts. */
export interface ChannelOrganisation {
  readonly mspId: string;
  /** PEM CA certificates. */
  readonly rootCertificates: readonly string[];
  readonly tlsRootCertificates?: readonly string[];
}

export interface GenesisOptions {
  readonly channelId: string;
  /** Application organisations (the hospitals). */
  readonly organisations: readonly ChannelOrganisation[];
  /** The ordering organisation, when the orderer signs blocks with its own MSP. */
  readonly ordererOrganisation?: ChannelOrganisation;
  readonly ordererAddresses?: readonly string[];
  readonly batch: { readonly maxMessageCount: number; readonly timeoutMs: number };
  /** Passed in, not read from the clock, so block 0 is a pure function of its inputs. */
  readonly timestamp: Date;
  readonly nonce: Uint8Array;
}

// What configtxgen writes for a Fabric 2.5 channel (see configtx.yaml's Capabilities and Policies).
const CHANNEL_CAPABILITY = 'V2_0';
const ORDERER_CAPABILITY = 'V2_0';
const APPLICATION_CAPABILITY = 'V2_5';
const ABSOLUTE_MAX_BYTES = 10 * 1024 * 1024;
const PREFERRED_MAX_BYTES = 2 * 1024 * 1024;

type ImplicitRule = common.ImplicitMetaPolicy.RuleMap[keyof common.ImplicitMetaPolicy.RuleMap];
const { ANY, MAJORITY } = common.ImplicitMetaPolicy.Rule;

function configValue(message: { serializeBinary(): Uint8Array }, modPolicy = 'Admins'): common.ConfigValue {
  const value = new common.ConfigValue();
  value.setValue(message.serializeBinary());
  value.setModPolicy(modPolicy);
  return value;
}

function configPolicy(type: number, value: Uint8Array): common.ConfigPolicy {
  const policy = new common.Policy();
  policy.setType(type);
  policy.setValue(value);
  const configPolicy = new common.ConfigPolicy();
  configPolicy.setPolicy(policy);
  configPolicy.setModPolicy('Admins');
  return configPolicy;
}

function implicitMeta(subPolicy: string, rule: ImplicitRule): common.ConfigPolicy {
  const meta = new common.ImplicitMetaPolicy();
  meta.setSubPolicy(subPolicy);
  meta.setRule(rule);
  return configPolicy(common.Policy.PolicyType.IMPLICIT_META, meta.serializeBinary());
}

/** `OR('<mspId>.<role>')` as a signature policy. */
function signedByRole(
  mspId: string,
  role: msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap],
): common.ConfigPolicy {
  const mspRole = new msp.MSPRole();
  mspRole.setMspIdentifier(mspId);
  mspRole.setRole(role);
  const principal = new msp.MSPPrincipal();
  principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
  principal.setPrincipal(mspRole.serializeBinary());
  const signedBy = new common.SignaturePolicy();
  signedBy.setSignedBy(0);
  const nOutOf = new common.SignaturePolicy.NOutOf();
  nOutOf.setN(1);
  nOutOf.setRulesList([signedBy]);
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(nOutOf);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(rule);
  envelope.setIdentitiesList([principal]);
  return configPolicy(common.Policy.PolicyType.SIGNATURE, envelope.serializeBinary());
}

function capabilities(name: string): common.Capabilities {
  const result = new common.Capabilities();
  result.getCapabilitiesMap().set(name, new common.Capability());
  return result;
}

function organisationGroup(organisation: ChannelOrganisation, endorses: boolean): common.ConfigGroup {
  const fabricConfig = new msp.FabricMSPConfig();
  fabricConfig.setName(organisation.mspId);
  fabricConfig.setRootCertsList(organisation.rootCertificates.map((pem) => Buffer.from(pem)));
  fabricConfig.setTlsRootCertsList((organisation.tlsRootCertificates ?? []).map((pem) => Buffer.from(pem)));
  const cryptoConfig = new msp.FabricCryptoConfig();
  cryptoConfig.setSignatureHashFamily('SHA2');
  cryptoConfig.setIdentityIdentifierHashFunction('SHA256');
  fabricConfig.setCryptoConfig(cryptoConfig);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setType(0); // FABRIC
  mspConfig.setConfig(fabricConfig.serializeBinary());

  const group = new common.ConfigGroup();
  group.getValuesMap().set('MSP', configValue(mspConfig));
  const policies = group.getPoliciesMap();
  const { MEMBER, ADMIN } = msp.MSPRole.MSPRoleType;
  policies.set('Readers', signedByRole(organisation.mspId, MEMBER));
  policies.set('Writers', signedByRole(organisation.mspId, MEMBER));
  policies.set('Admins', signedByRole(organisation.mspId, ADMIN));
  if (endorses) policies.set('Endorsement', signedByRole(organisation.mspId, MEMBER));
  group.setModPolicy('Admins');
  return group;
}

function standardPolicies(group: common.ConfigGroup): void {
  const policies = group.getPoliciesMap();
  policies.set('Readers', implicitMeta('Readers', ANY));
  policies.set('Writers', implicitMeta('Writers', ANY));
  policies.set('Admins', implicitMeta('Admins', MAJORITY));
  group.setModPolicy('Admins');
}

function applicationGroup(options: GenesisOptions): common.ConfigGroup {
  const group = new common.ConfigGroup();
  for (const organisation of options.organisations) {
    group.getGroupsMap().set(organisation.mspId, organisationGroup(organisation, true));
  }
  group.getValuesMap().set('Capabilities', configValue(capabilities(APPLICATION_CAPABILITY)));
  standardPolicies(group);
  group.getPoliciesMap().set('Endorsement', implicitMeta('Endorsement', MAJORITY));
  group.getPoliciesMap().set('LifecycleEndorsement', implicitMeta('Endorsement', MAJORITY));
  return group;
}

function ordererGroup(options: GenesisOptions): common.ConfigGroup {
  const group = new common.ConfigGroup();
  if (options.ordererOrganisation) {
    group
      .getGroupsMap()
      .set(options.ordererOrganisation.mspId, organisationGroup(options.ordererOrganisation, false));
  }
  // The embedded network orders in-process, one node: Fabric's name for that is "solo".
  const consensus = new orderer.ConsensusType();
  consensus.setType('solo');
  const batchSize = new orderer.BatchSize();
  batchSize.setMaxMessageCount(options.batch.maxMessageCount);
  batchSize.setAbsoluteMaxBytes(ABSOLUTE_MAX_BYTES);
  batchSize.setPreferredMaxBytes(PREFERRED_MAX_BYTES);
  const batchTimeout = new orderer.BatchTimeout();
  batchTimeout.setTimeout(`${options.batch.timeoutMs}ms`);
  const values = group.getValuesMap();
  values.set('ConsensusType', configValue(consensus));
  values.set('BatchSize', configValue(batchSize));
  values.set('BatchTimeout', configValue(batchTimeout));
  values.set('ChannelRestrictions', configValue(new orderer.ChannelRestrictions()));
  values.set('Capabilities', configValue(capabilities(ORDERER_CAPABILITY)));
  standardPolicies(group);
  group.getPoliciesMap().set('BlockValidation', implicitMeta('Writers', ANY));
  return group;
}

function channelGroup(options: GenesisOptions): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.getGroupsMap().set('Application', applicationGroup(options));
  group.getGroupsMap().set('Orderer', ordererGroup(options));
  const hashing = new common.HashingAlgorithm();
  hashing.setName('SHA256');
  const dataHashing = new common.BlockDataHashingStructure();
  dataHashing.setWidth(0xffffffff);
  const addresses = new common.OrdererAddresses();
  addresses.setAddressesList([...(options.ordererAddresses ?? [])]);
  const values = group.getValuesMap();
  values.set('HashingAlgorithm', configValue(hashing));
  values.set('BlockDataHashingStructure', configValue(dataHashing));
  values.set('OrdererAddresses', configValue(addresses, '/Channel/Orderer/Admins'));
  values.set('Capabilities', configValue(capabilities(CHANNEL_CAPABILITY)));
  standardPolicies(group);
  return group;
}

/**
 * Block 0 of the channel, as configtxgen makes it: one CONFIG envelope (unsigned, no creator) carrying
 * the channel's ConfigEnvelope; metadata LAST_CONFIG = 0 and an unsigned SIGNATURES value, plus the
 * TRANSACTIONS_FILTER and COMMIT_HASH a peer adds when it commits the block.
 */
export function createGenesisBlock(options: GenesisOptions): common.Block {
  const config = new common.Config();
  config.setSequence(0);
  config.setChannelGroup(channelGroup(options));
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setVersion(1);
  channelHeader.setChannelId(options.channelId);
  channelHeader.setTimestamp(Timestamp.fromDate(options.timestamp));
  channelHeader.setTxId(computeTxId(options.nonce, new Uint8Array(0)));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setNonce(options.nonce);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());

  const block = createBlock(0, new Uint8Array(0), [envelope.serializeBinary()]);
  const validationCodes = Uint8Array.of(0); // the config transaction is VALID
  sealBlock(block, {
    lastConfig: 0,
    validationCodes,
    // As a peer does when it commits block 0: no state updates, no previous commit hash.
    commitHash: nextCommitHash(new Uint8Array(0), validationCodes, updateBatchBytes(new Map())),
  });
  return block;
}
