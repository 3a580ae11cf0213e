import { ledger } from '@hyperledger/fabric-protos';
import { BlockFormatErrorCode } from '../blocks/errors';
import { decodeReadWriteSets, encodeReadWriteSets } from './rwset';
import type { ReadWriteSet } from './state';

const bytes = (text: string) => new Uint8Array(Buffer.from(text));

const sample: ReadWriteSet = {
  namespace: 'cc',
  reads: [
    { key: 'genesis', version: { blockNum: 0, txNum: 0 } },
    { key: 'missing', version: null },
    { key: 'x', version: { blockNum: 12, txNum: 3 } },
  ],
  rangeQueries: [
    {
      startKey: '\u0000visit\u0000alice\u0000',
      endKey: '\u0000visit\u0000alice\u0000\u{10FFFF}',
      itrExhausted: true,
      reads: [{ key: '\u0000visit\u0000alice\u00002024\u0000', version: { blockNum: 4, txNum: 0 } }],
    },
    { startKey: 'a', endKey: 'a9', itrExhausted: false, reads: [] },
  ],
  writes: [
    { key: 'gone', isDelete: true, value: new Uint8Array(0) },
    { key: 'x', isDelete: false, value: bytes('{"v":1}') },
  ],
};

describe('read-write set protobufs', () => {
  it('round-trips every field, telling "no version" from version 0/0', () => {
    const other: ReadWriteSet = { namespace: 'lscc', reads: [], rangeQueries: [], writes: [] };
    expect(decodeReadWriteSets(encodeReadWriteSets([sample, other]))).toEqual([sample, other]);
  });

  it('is the KV data model with one KVRWSet per namespace, as a Fabric validator reads it', () => {
    const tx = ledger.rwset.TxReadWriteSet.deserializeBinary(encodeReadWriteSets([sample]));
    expect(tx.getDataModel()).toBe(ledger.rwset.TxReadWriteSet.DataModel.KV);
    const [ns] = tx.getNsRwsetList();
    expect(ns?.getNamespace()).toBe('cc');
    const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns?.getRwset_asU8() ?? new Uint8Array());
    expect(kv.getReadsList().map((read) => read.hasVersion())).toEqual([true, false, true]);
    const [composite] = kv.getRangeQueriesInfoList();
    expect(composite?.hasRawReads()).toBe(true);
    expect(composite?.hasReadsMerkleHashes()).toBe(false);
    expect(kv.getWritesList().map((write) => [write.getKey(), write.getIsDelete()])).toEqual([
      ['gone', true],
      ['x', false],
    ]);
  });

  it('refuses what it cannot represent faithfully', () => {
    const info = new ledger.rwset.kvrwset.RangeQueryInfo();
    info.setStartKey('a');
    info.setReadsMerkleHashes(new ledger.rwset.kvrwset.QueryReadsMerkleSummary());
    const kv = new ledger.rwset.kvrwset.KVRWSet();
    kv.setRangeQueriesInfoList([info]);
    const ns = new ledger.rwset.NsReadWriteSet();
    ns.setNamespace('cc');
    ns.setRwset(kv.serializeBinary());
    const tx = new ledger.rwset.TxReadWriteSet();
    tx.setNsRwsetList([ns]);
    const malformed = expect.objectContaining({ code: BlockFormatErrorCode.MalformedReadWriteSet }) as Error;
    expect(() => decodeReadWriteSets(tx.serializeBinary())).toThrow(malformed);
    expect(() => decodeReadWriteSets(Buffer.from('not protobuf'))).toThrow(malformed);
  });
});
