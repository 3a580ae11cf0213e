import { common } from '@hyperledger/fabric-protos';
import type { Identity, ReadWriteSet } from '@custodia/ledger';
import { computeTxId } from '../engine/proposal';
import { serializeIdentity } from '../engine/endorsement';
import { del, issueIdentity, makeTransaction, put } from '../../test/fixtures/ledger-transactions';
import { BlockFormatErrorCode, parseEnvelopeHeader, parseTransaction } from '@custodia/ledger';

let client: Identity;
let endorser: Identity;

beforeAll(async () => {
  [client, endorser] = await Promise.all([
    issueIdentity('HospitalDEMSP', 'client'),
    issueIdentity('HospitalDEMSP', 'peer'),
  ]);
});

const RWSET: ReadWriteSet = {
  namespace: 'custodia',
  reads: [
    { key: 'rule\u0000p1\u0000r1\u0000', version: { blockNum: 3, txNum: 7 } },
    { key: 'absent', version: null },
  ],
  rangeQueries: [
    {
      startKey: '\u0000rule\u0000p1\u0000',
      endKey: '\u0000rule\u0000p1\u0000\u{10ffff}',
      itrExhausted: true,
      reads: [{ key: '\u0000rule\u0000p1\u0000r1\u0000', version: { blockNum: 3, txNum: 7 } }],
    },
  ],
  writes: [put('rule\u0000p1\u0000r2\u0000', '{"effect":"permit"}'), del('old')],
};

describe('parseTransaction', () => {
  it('extracts txId, channel header, creator, chaincode, read-write set, event and endorsements', () => {
    const timestamp = new Date('2025-03-04T05:06:07.089Z');
    const { txId, envelope } = makeTransaction(client, endorser, {
      channelId: 'custodia',
      chaincodeName: 'custodia',
      rwset: RWSET,
      event: { name: 'AccessGranted', payload: Buffer.from('{"grant":"g1"}') },
      timestamp,
    });
    const parsed = parseTransaction(envelope);
    expect(parsed.txId).toBe(txId);
    expect(parsed.txId).toBe(computeTxId(parsed.nonce, parsed.creator));
    expect(parsed.channelId).toBe('custodia');
    expect(parsed.type).toBe(common.HeaderType.ENDORSER_TRANSACTION);
    expect(parsed.timestamp).toEqual({ seconds: Math.floor(timestamp.getTime() / 1000), nanos: 89_000_000 });
    expect(parsed.creatorMspId).toBe('HospitalDEMSP');
    expect(Buffer.from(parsed.creator)).toEqual(Buffer.from(serializeIdentity(client)));
    expect(parsed.actions).toHaveLength(1);
    const [action] = parsed.actions;
    expect(action?.chaincodeName).toBe('custodia');
    expect(action?.rwsets).toEqual([
      { ...RWSET, writes: RWSET.writes.map((write) => ({ ...write, value: new Uint8Array(write.value) })) },
    ]);
    expect(action?.event?.eventName).toBe('AccessGranted');
    expect(action?.event?.txId).toBe(txId);
    expect(Buffer.from(action?.event?.payload ?? []).toString()).toBe('{"grant":"g1"}');
    expect(action?.response.status).toBe(200);
    expect(Buffer.from(action?.endorsements[0]?.endorser ?? [])).toEqual(
      Buffer.from(serializeIdentity(endorser)),
    );
  });

  it('refuses bytes that are not an envelope', () => {
    expect(() => parseEnvelopeHeader(Buffer.from([0xff, 0xff, 0xff]))).toThrow(
      expect.objectContaining({ code: BlockFormatErrorCode.MalformedTransaction }),
    );
    const headerless = new common.Envelope();
    headerless.setPayload(new common.Payload().serializeBinary());
    expect(() => parseEnvelopeHeader(headerless.serializeBinary())).toThrow(
      expect.objectContaining({ code: BlockFormatErrorCode.MalformedTransaction }),
    );
  });

  it('refuses a transaction whose body does not decode', () => {
    const { envelope } = makeTransaction(client, endorser, { channelId: 'custodia', rwset: RWSET });
    // Keep the headers, replace the body with bytes that are not a peer.Transaction.
    const parsedEnvelope = common.Envelope.deserializeBinary(envelope);
    const payload = common.Payload.deserializeBinary(parsedEnvelope.getPayload_asU8());
    const broken = new common.Payload();
    broken.setHeader(payload.getHeader());
    broken.setData(Buffer.from('not a transaction'));
    parsedEnvelope.setPayload(broken.serializeBinary());
    expect(() => parseTransaction(parsedEnvelope.serializeBinary())).toThrow(
      expect.objectContaining({ code: BlockFormatErrorCode.MalformedTransaction }),
    );
  });
});
