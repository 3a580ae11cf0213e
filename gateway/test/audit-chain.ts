/**
 * A typed test factory for replay tests: the real chaincode executed by the network's engine over an in-memory
 * world state, each transaction a real endorsed, client-signed envelope in its own real `common.Block`, hash
 * chained after a real genesis (config) block. A test may tamper with a transaction's writes before they are
 * endorsed (a forged endorsement) or commit it with a failing validation code.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import { argumentsOf, decodeAnswer, functionName, TRANSACTIONS } from '@custodia/chaincode';
import { contracts } from '@custodia/chaincode/contracts';
import type { AccessLogEntry, Category, Transaction } from '@custodia/chaincode';
import { createBlock, createGenesisBlock, sealBlock } from '@custodia/network';
import { blockHash, MemoryState, sign } from '@custodia/ledger';
import type { BlockSigner } from '@custodia/network';
import {
  ChaincodeEngine,
  createProposalResponse,
  createSignedProposal,
  createTransactionPayload,
  serializeIdentity,
} from '@custodia/network/engine';
import type { KeyWrite, Identity } from '@custodia/ledger';
import { CertificateAuthority } from '@custodia/network/msp';
import { at, PATIENT_A, PATIENT_B, T0 } from '../../chaincode/test/fixtures/ledger';
import type { Party } from '../../chaincode/test/fixtures/ledger';

export const CHANNEL = 'custodia';
export const CHAINCODE = 'custodia';
export { at, PATIENT_A, PATIENT_B, T0 };
export type { Party };

export interface SubmitOptions {
  /** Transaction time; default T0. */
  readonly time?: Date;
  /** Rewrites the simulated writes before endorsement, as a forged endorsement would. */
  readonly tamper?: (
    writes: readonly KeyWrite[],
    tx: { readonly txId: string; readonly at: string },
  ) => KeyWrite[];
  /** The code the block's TRANSACTIONS_FILTER gives the transaction; default VALID. */
  readonly validationCode?: number;
}

export interface Submitted<T> {
  readonly txId: string;
  readonly result: T;
}

export interface TestChain {
  /** Org1's patient, registered by Org1's admin after the registry's genesis (blocks 1–4). */
  readonly patient: Party;
  /** The organisations' admins (Org1 Germany, Org2 France), who founded the registry. */
  readonly admin: Party;
  readonly adminFr: Party;
  readonly clinician: Party;
  /** Another organisation, France. */
  readonly clinicianFr: Party;
  readonly centre: Party;
  /**
   * Runs the catalogue transaction with `input` encoded as a client encodes it and commits it as the next block;
   * throws if the chaincode refuses it. The answer is checked by the catalogue's decoder.
   */
  submit<I, O>(
    party: Party,
    transaction: Transaction<I, O, 'submit'>,
    input: I,
    options?: SubmitOptions,
  ): Promise<Submitted<O>>;
  /** Genesis first, then one block per submitted transaction. */
  readonly blocks: readonly common.Block[];
}

/** Blocks before a test's own: the genesis block, the registry's genesis (two approvals, a commit), the patient. */
export const SETUP_BLOCKS = 5;

const decoder = new TextDecoder();

export async function buildTestChain(): Promise<TestChain> {
  const org1 = await CertificateAuthority.create({ mspId: 'Org1MSP' });
  const org2 = await CertificateAuthority.create({ mspId: 'Org2MSP' });
  const party = async (
    ca: CertificateAuthority,
    id: string,
    role: string,
    country?: string,
  ): Promise<Party> => ({
    identity: await ca.issue({
      enrollmentId: id,
      attrs: { 'custodia.role': role, 'custodia.id': id, ...(country && { 'custodia.country': country }) },
    }),
    mspId: ca.mspId,
    id,
  });
  const ordererCa = await CertificateAuthority.create({ mspId: 'OrdererMSP' });
  const orderer = blockSignerOf(await ordererCa.issue({ enrollmentId: 'orderer0', ou: 'orderer' }));
  const endorser = await org1.issue({ enrollmentId: 'peer0', ou: 'peer' });
  const engine = new ChaincodeEngine({ contracts, chaincodeName: CHAINCODE, channelName: CHANNEL });
  const state = new MemoryState();
  const blocks: common.Block[] = [
    createGenesisBlock({
      channelId: CHANNEL,
      organisations: [org1, org2].map((ca) => ({ mspId: ca.mspId, rootCertificates: [ca.certificate] })),
      ordererOrganisation: { mspId: ordererCa.mspId, rootCertificates: [ordererCa.certificate] },
      batch: { maxMessageCount: 10, timeoutMs: 100 },
      timestamp: T0,
      nonce: randomBytes(24),
    }),
  ];

  const chain: TestChain = {
    patient: await party(org1, PATIENT_A, 'patient'),
    admin: await party(org1, 'admin-1', 'admin'),
    adminFr: await party(org2, 'admin-2', 'admin'),
    clinician: await party(org1, 'dr-a', 'clinician', 'DE'),
    clinicianFr: await party(org2, 'dr-fr', 'clinician', 'FR'),
    centre: await party(org1, 'centre-1', 'centre', 'DE'),
    blocks,
    async submit<I, O>(
      caller: Party,
      transaction: Transaction<I, O, 'submit'>,
      input: I,
      options: SubmitOptions = {},
    ): Promise<Submitted<O>> {
      const fcn = functionName(transaction);
      const { signedProposal } = createSignedProposal(caller.identity, {
        channelName: CHANNEL,
        chaincodeName: CHAINCODE,
        transactionName: fcn,
        arguments: argumentsOf(transaction, input),
        timestamp: options.time ?? T0,
      });
      const simulated = await engine.execute(signedProposal, state);
      if (simulated.status >= 400) throw new Error(`${fcn} failed: ${simulated.message}`);
      const writes = options.tamper
        ? options.tamper(simulated.rwset.writes, {
            txId: simulated.txId,
            at: (options.time ?? T0).toISOString(),
          })
        : [...simulated.rwset.writes];
      const endorsed = { ...simulated, rwset: { ...simulated.rwset, writes } };
      const payload = createTransactionPayload(endorsed.proposal, [
        createProposalResponse(endorsed, endorser),
      ]);
      const payloadBytes = payload.serializeBinary();
      const envelope = new common.Envelope();
      envelope.setPayload(payloadBytes);
      envelope.setSignature(sign(caller.identity.privateKey, payloadBytes));

      const number = blocks.length;
      const code = options.validationCode ?? peer.TxValidationCode.VALID;
      const block = createBlock(number, blockHash(blocks[number - 1] as common.Block), [
        envelope.serializeBinary(),
      ]);
      seal(block, Uint8Array.of(code), orderer);
      blocks.push(block);
      if (code === peer.TxValidationCode.VALID) {
        state.apply(CHAINCODE, writes, {
          version: { blockNum: number, txNum: 0 },
          txId: endorsed.txId,
          timestamp: endorsed.timestamp,
        });
      }
      const answer = decodeAnswer(transaction, decoder.decode(endorsed.payload));
      if (!answer.ok) throw new Error(`${fcn} answered ${answer.error.message}`);
      return { txId: endorsed.txId, result: answer.value };
    },
  };
  const { organisations, patients } = TRANSACTIONS;
  const genesis = {
    sequence: 1,
    kind: 'genesis',
    members: [
      { mspId: org1.mspId, country: 'DE' },
      { mspId: org2.mspId, country: 'FR' },
    ],
  } as const;
  await chain.submit(chain.admin, organisations.approveChange, genesis);
  await chain.submit(chain.adminFr, organisations.approveChange, genesis);
  await chain.submit(chain.admin, organisations.commitChange, genesis);
  await chain.submit(chain.admin, patients.registerPatient, { patientId: PATIENT_A });
  return chain;
}

let requestCounter = 0;
/** A client request id no earlier call of this process used. */
export function newRequestId(): string {
  requestCounter += 1;
  return `req-${requestCounter}`;
}

/** An access request for the patient with purpose TREAT (default categories: allergies). */
export function requestAccess(
  chain: TestChain,
  who: Party,
  options: SubmitOptions & { readonly categories?: readonly Category[] } = {},
): Promise<Submitted<AccessLogEntry>> {
  const { categories = ['allergies'], ...submit } = options;
  return chain.submit(
    who,
    TRANSACTIONS.access.requestAccess,
    { patientId: PATIENT_A, categories, purpose: 'TREAT', requestId: newRequestId() },
    submit,
  );
}

/** Edits the JSON value of every write under `objectType` (a composite key's object type). */
export function editJson(
  objectType: string,
  edit: (value: Record<string, unknown>) => Record<string, unknown>,
): (writes: readonly KeyWrite[]) => KeyWrite[] {
  return (writes) =>
    writes.map((write) =>
      write.key.startsWith(`\u0000${objectType}\u0000`) && !write.isDelete
        ? {
            ...write,
            value: Buffer.from(
              JSON.stringify(edit(JSON.parse(decoder.decode(write.value)) as Record<string, unknown>)),
            ),
          }
        : write,
    );
}

/** Signs blocks as an orderer identity does (or as any identity a test wants to forge with). */
export function blockSignerOf(identity: Identity): BlockSigner {
  return { creator: serializeIdentity(identity), sign: (message) => sign(identity.privateKey, message) };
}

/** Fills a block's metadata: validation codes and a signature by `signer` over its header. */
export function seal(block: common.Block, validationCodes: Uint8Array, signer: BlockSigner): void {
  sealBlock(block, {
    lastConfig: 0,
    validationCodes,
    commitHash: new Uint8Array(32),
    signature: { signer, nonce: randomBytes(24) },
  });
}

/** A deep copy of a block, so a test can alter it without touching the chain it came from. */
export function copyBlock(block: common.Block): common.Block {
  return common.Block.deserializeBinary(block.serializeBinary());
}
