/**
 * What a Fabric peer refuses, refused the same way: wrong signatures, identities from no channel MSP, revoked
 * certificates, replayed transactions, too few endorsements, and stale reads (MVCC) under concurrent updates.
 */
import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  CommitError,
  CommitStatusError,
  connect as connectGateway,
  EndorseError,
  GatewayError,
  hash,
  StatusCode,
} from '@hyperledger/fabric-gateway';
import type { Contract, Gateway, Network, SubmitError } from '@hyperledger/fabric-gateway';
import type { StoredRule } from '@custodia/chaincode';
import { LedgerClientError, LedgerClientErrorCode, sign, toLedgerFailure } from '@custodia/ledger';
import type { Identity, LedgerConnection } from '@custodia/ledger';
import { CertificateAuthority } from '@custodia/network/msp';
import { json, ORG_DE, pseudonym, startTestNetwork } from './fixtures/test-network';
import type { TestNetwork } from './fixtures/test-network';

let net: TestNetwork;
let identity: Identity;
let patient: LedgerConnection;

const PATIENT = pseudonym('a');

const ruleSpec = (categories: string[]) => ({
  effect: 'permit',
  grantee: { kind: 'role', role: 'clinician' },
  categories,
  purposes: ['TREAT'],
});
/** `rules:createRule`'s argument, a new request each time. */
const rule = (categories: string[] = ['allergies']): string =>
  JSON.stringify({ requestId: randomUUID(), rule: ruleSpec(categories) });

/** A raw fabric-gateway Gateway whose signer signs with `signingKey` (PEM), whatever the certificate says. */
function rawGateway(who: Identity, signingKey: string = who.privateKey): Gateway {
  const client = net.peerClient();
  const key = createPrivateKey(signingKey);
  return connectGateway({
    client,
    identity: { mspId: who.mspId, credentials: Buffer.from(who.certificate) },
    hash: hash.none,
    signer: (message) => Promise.resolve(sign(key, message)),
  });
}

function contractOf(gateway: Gateway): Contract {
  return gateway.getNetwork(patient.profile.channelName).getContract(patient.profile.chaincodeName);
}

function networkOf(gateway: Gateway): Network {
  return gateway.getNetwork(patient.profile.channelName);
}

function otherKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );
}

async function ruleVersion(ruleId: string): Promise<number> {
  return json<StoredRule>(await patient.evaluate('rules:getRule', { arguments: [ruleId] })).version;
}

beforeAll(async () => {
  net = await startTestNetwork();
  identity = await net.enrolPatient(ORG_DE, PATIENT);
  patient = await net.connect(identity);
}, 120_000);

afterAll(async () => {
  await net.destroy();
});

describe('signatures and identities', () => {
  it('refuses a proposal whose signature is not by the certificate’s key, as a peer does (access denied)', async () => {
    const forged = contractOf(rawGateway(identity, otherKey()));
    const endorse = await failure(forged.submitTransaction('rules:createRule', rule()));
    expect(endorse).toBeInstanceOf(EndorseError);
    expect((endorse as EndorseError).code).toBe(grpc.status.ABORTED);
    expect((endorse as EndorseError).details[0]?.message).toBe(
      `error validating proposal: access denied: channel [${patient.profile.channelName}] creator org [${ORG_DE}]`,
    );
    const evaluate = await failure(forged.evaluateTransaction('rules:listMyRules', '10', ''));
    expect((evaluate as GatewayError).code).toBe(grpc.status.FAILED_PRECONDITION);
  });

  it('refuses identities from an MSP the channel does not know, and certificates from a foreign CA', async () => {
    const rogueCa = await CertificateAuthority.create({ mspId: 'RogueMSP' });
    const rogue = await rogueCa.issue({
      enrollmentId: PATIENT,
      attrs: { 'custodia.role': 'patient', 'custodia.id': PATIENT },
    });
    const unknown = await failure(
      contractOf(rawGateway(rogue)).submitTransaction('rules:createRule', rule()),
    );
    expect((unknown as EndorseError).details[0]?.message).toBe(
      `error validating proposal: access denied: channel [${patient.profile.channelName}] creator org unknown, creator is malformed`,
    );

    // Same MSP id, but issued by a CA that is not the organisation's.
    const impostorCa = await CertificateAuthority.create({ mspId: ORG_DE });
    const impostor = await impostorCa.issue({
      enrollmentId: PATIENT,
      attrs: { 'custodia.role': 'patient', 'custodia.id': PATIENT },
    });
    const connection = await net.connect(impostor);
    const refused = await failure(connection.submit('rules:createRule', { arguments: [rule()] }));
    expect(refused).toBeInstanceOf(LedgerClientError);
    expect(refused).toMatchObject({
      code: LedgerClientErrorCode.Rejected,
      details: { grpcCode: grpc.status.ABORTED },
    });
  });

  it('refuses a certificate its CA revoked, from the moment of revocation', async () => {
    const revokedIdentity = await net.enrolPatient(ORG_DE, pseudonym('r'));
    const connection = await net.connect(revokedIdentity);
    await connection.submit('rules:createRule', { arguments: [rule()] });

    await net.revoke(ORG_DE, pseudonym('r'));

    const refused = await failure(connection.submit('rules:createRule', { arguments: [rule()] }));
    expect(refused).toMatchObject({ code: LedgerClientErrorCode.Rejected });
  });

  it('refuses a signed transaction altered after signing, and commit-status or event requests not signed by their identity', async () => {
    const gateway = rawGateway(identity);
    const transaction = await contractOf(gateway)
      .newProposal('rules:createRule', { arguments: [rule()] })
      .endorse();
    const signature = sign(identity.privateKey, transaction.getDigest());
    const tampered = gateway.newSignedTransaction(
      transaction.getBytes(),
      Uint8Array.from(signature, (byte, i) => (i === 10 ? byte ^ 1 : byte)),
    );
    const submit = await failure(tampered.submit());
    expect(submit).toBeInstanceOf(GatewayError);
    expect((submit as SubmitError).name).toBe('SubmitError');
    expect((submit as SubmitError).code).toBe(grpc.status.ABORTED);
    expect((submit as SubmitError).message).toMatch(/status=FORBIDDEN/);

    const submitted = await gateway.newSignedTransaction(transaction.getBytes(), signature).submit();
    const forgedCommit = gateway.newSignedCommit(
      submitted.getBytes(),
      sign(otherKey(), submitted.getDigest()),
    );
    const commit = await failure(forgedCommit.getStatus());
    expect(commit).toBeInstanceOf(CommitStatusError);
    expect((commit as CommitStatusError).code).toBe(grpc.status.PERMISSION_DENIED);
    expect((await submitted.getStatus()).successful).toBe(true);

    const request = networkOf(gateway).newChaincodeEventsRequest(patient.profile.chaincodeName);
    const forgedEvents = gateway.newSignedChaincodeEventsRequest(
      request.getBytes(),
      sign(otherKey(), request.getDigest()),
    );
    const events = await forgedEvents.getEvents();
    const stream = await failure(events[Symbol.asyncIterator]().next());
    expect((stream as GatewayError).code).toBe(grpc.status.PERMISSION_DENIED);
  });
});

describe('replays', () => {
  it('refuses to endorse a proposal whose transaction id is already on the ledger', async () => {
    const gateway = rawGateway(identity);
    const proposal = contractOf(gateway).newProposal('rules:createRule', { arguments: [rule()] });
    const transaction = await proposal.endorse();
    expect((await (await transaction.submit()).getStatus()).successful).toBe(true);

    const replay = await failure(gateway.newProposal(proposal.getBytes()).endorse());
    expect(replay).toBeInstanceOf(EndorseError);
    const reason = `duplicate transaction found [${proposal.getTransactionId()}]`;
    // Fabric's peer goes on with ". Creator [<hex of the serialized identity>]": the user's certificate.
    expect((replay as EndorseError).details[0]?.message.startsWith(reason)).toBe(true);
    // What the ledger client raises keeps the reason and drops the identity.
    const raised = toLedgerFailure(replay, proposal.getTransactionId());
    expect(raised).toMatchObject({ code: LedgerClientErrorCode.Rejected });
    expect(raised.message.startsWith(`the peer refused the request: ${reason}`)).toBe(true);
    expect(raised.message).not.toContain(Buffer.from(identity.certificate).toString('hex').slice(0, 64));
    expect(raised.message).not.toContain('BEGIN CERTIFICATE');
  });

  it('commits a replayed signed transaction as DUPLICATE_TXID without applying it twice', async () => {
    const gateway = rawGateway(identity);
    const created = json<StoredRule>(await contractOf(gateway).submitTransaction('rules:createRule', rule()));
    const transaction = await contractOf(gateway)
      .newProposal('rules:updateRule', {
        arguments: [created.ruleId, JSON.stringify(ruleSpec(['problems']))],
      })
      .endorse();
    const first = await transaction.submit();
    const status = await first.getStatus();
    expect(status.successful).toBe(true);

    const copy = await gateway.newTransaction(transaction.getBytes()).submit();
    // The id's status stays the first occurrence's; the copy is in a later block, marked DUPLICATE_TXID.
    expect(await copy.getStatus()).toMatchObject({ code: StatusCode.VALID, blockNumber: status.blockNumber });
    const blocks = await networkOf(gateway).getFilteredBlockEvents({ startBlock: status.blockNumber + 1n });
    try {
      for await (const block of blocks) {
        const duplicate = block
          .getFilteredTransactionsList()
          .find((candidate) => candidate.getTxid() === transaction.getTransactionId());
        if (!duplicate) continue;
        expect(duplicate.getTxValidationCode()).toBe(StatusCode.DUPLICATE_TXID);
        break;
      }
    } finally {
      blocks.close();
    }
    expect(await ruleVersion(created.ruleId)).toBe(2);
  });
});

describe('validation at commit', () => {
  it('invalidates a transaction endorsed by fewer organisations than the MAJORITY policy needs', async () => {
    const created = await patient.submit('rules:createRule', { arguments: [rule()] });
    const ruleId = json<StoredRule>(created.payload).ruleId;
    const refused = await failure(
      patient.submit('rules:updateRule', {
        arguments: [ruleId, JSON.stringify(ruleSpec(['problems']))],
        endorsingOrganizations: [ORG_DE],
      }),
    );
    expect(refused).toMatchObject({
      code: LedgerClientErrorCode.TransactionInvalid,
      details: { validationCode: 'ENDORSEMENT_POLICY_FAILURE' },
    });
    expect(await ruleVersion(ruleId)).toBe(1);
  });

  it('commits one of several updates of the same rule endorsed on the same version; the others are MVCC_READ_CONFLICT', async () => {
    const gateway = rawGateway(identity);
    const contract = contractOf(gateway);
    const created = json<StoredRule>(await contract.submitTransaction('rules:createRule', rule()));
    const transactions = await Promise.all(
      ['allergies', 'problems', 'medications', 'immunizations', 'procedures'].map((category) =>
        contract
          .newProposal('rules:updateRule', {
            arguments: [created.ruleId, JSON.stringify(ruleSpec([category]))],
          })
          .endorse(),
      ),
    );
    const statuses = await Promise.all(
      transactions.map(async (transaction) => (await transaction.submit()).getStatus()),
    );
    const codes = statuses.map((status) => status.code).sort();
    expect(codes).toEqual([StatusCode.VALID, ...Array<number>(4).fill(StatusCode.MVCC_READ_CONFLICT)].sort());
    expect(await ruleVersion(created.ruleId)).toBe(2);
  });

  it('throws CommitError with MVCC_READ_CONFLICT from fabric-gateway’s submit when concurrent updates collide', async () => {
    const contract = contractOf(rawGateway(identity));
    const created = json<StoredRule>(await contract.submitTransaction('rules:createRule', rule()));
    const outcomes = await Promise.all(
      ['allergies', 'problems', 'medications', 'immunizations'].map((category) =>
        contract
          .submitTransaction('rules:updateRule', created.ruleId, JSON.stringify(ruleSpec([category])))
          .then(
            () => StatusCode.VALID,
            (error: unknown) => {
              if (error instanceof CommitError) return error.code;
              throw error;
            },
          ),
      ),
    );
    const valid = outcomes.filter((code) => code === StatusCode.VALID).length;
    expect(
      outcomes
        .filter((code) => code !== StatusCode.VALID)
        .every((code) => code === StatusCode.MVCC_READ_CONFLICT),
    ).toBe(true);
    expect(await ruleVersion(created.ruleId)).toBe(1 + valid);
  });

  it('reports concurrent conflicting submits through connect() as LEDGER_TRANSACTION_INVALID with MVCC_READ_CONFLICT', async () => {
    const created = json<StoredRule>(
      (await patient.submit('rules:createRule', { arguments: [rule()] })).payload,
    );
    const connections = await Promise.all(Array.from({ length: 6 }, () => net.connect(identity)));
    const outcomes = await Promise.all(
      connections.map((connection, i) =>
        connection
          .submit('rules:updateRule', {
            arguments: [created.ruleId, JSON.stringify(ruleSpec([i % 2 ? 'problems' : 'allergies']))],
          })
          .then(
            () => 'VALID',
            (error: unknown) => {
              if (
                error instanceof LedgerClientError &&
                error.code === LedgerClientErrorCode.TransactionInvalid
              ) {
                return error.details.validationCode;
              }
              throw error;
            },
          ),
      ),
    );
    const valid = outcomes.filter((outcome) => outcome === 'VALID').length;
    expect(valid).toBeGreaterThanOrEqual(1);
    expect(
      outcomes.filter((outcome) => outcome !== 'VALID').every((outcome) => outcome === 'MVCC_READ_CONFLICT'),
    ).toBe(true);
    expect(await ruleVersion(created.ruleId)).toBe(1 + valid);
  });
});
