/**
 * ReadWriteSet ⇄ Fabric's wire form: rwset.TxReadWriteSet (data model KV) with one NsReadWriteSet per
 * namespace whose rwset bytes are a kvrwset.KVRWSet (reads, range query infos with raw reads, writes) —
 * what goes into ChaincodeAction.results and is validated at commit. Range reads are always carried raw:
 * Fabric summarises them as Merkle hashes only past 50 results, and its validator accepts either.
 */
import { ledger } from '@hyperledger/fabric-protos';
import type { KeyRead, RangeQueryRead, ReadWriteSet } from './state';

const { rwset } = ledger;
const { kvrwset } = rwset;

export function toTxReadWriteSet(sets: readonly ReadWriteSet[]): InstanceType<typeof rwset.TxReadWriteSet> {
  const tx = new rwset.TxReadWriteSet();
  tx.setDataModel(rwset.TxReadWriteSet.DataModel.KV);
  tx.setNsRwsetList(
    sets.map((set) => {
      const ns = new rwset.NsReadWriteSet();
      ns.setNamespace(set.namespace);
      ns.setRwset(toKvRwSet(set).serializeBinary());
      return ns;
    }),
  );
  return tx;
}

export function encodeReadWriteSets(sets: readonly ReadWriteSet[]): Uint8Array {
  return toTxReadWriteSet(sets).serializeBinary();
}

/** One ReadWriteSet per namespace; private-data hashes and metadata writes are not represented and are ignored. */
export function decodeReadWriteSets(bytes: Uint8Array): ReadWriteSet[] {
  const tx = rwset.TxReadWriteSet.deserializeBinary(bytes);
  return tx.getNsRwsetList().map((ns) => {
    const kv = kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    return {
      namespace: ns.getNamespace(),
      reads: kv.getReadsList().map(fromKvRead),
      rangeQueries: kv.getRangeQueriesInfoList().map((info): RangeQueryRead => ({
        startKey: info.getStartKey(),
        endKey: info.getEndKey(),
        itrExhausted: info.getItrExhausted(),
        reads: info.getRawReads()?.getKvReadsList().map(fromKvRead) ?? [],
      })),
      writes: kv.getWritesList().map((write) => ({
        key: write.getKey(),
        isDelete: write.getIsDelete(),
        value: write.getValue_asU8(),
      })),
    };
  });
}

function toKvRwSet(set: ReadWriteSet): InstanceType<typeof kvrwset.KVRWSet> {
  const kv = new kvrwset.KVRWSet();
  kv.setReadsList(set.reads.map(toKvRead));
  kv.setRangeQueriesInfoList(
    set.rangeQueries.map((query) => {
      const info = new kvrwset.RangeQueryInfo();
      info.setStartKey(query.startKey);
      info.setEndKey(query.endKey);
      info.setItrExhausted(query.itrExhausted);
      const reads = new kvrwset.QueryReads();
      reads.setKvReadsList(query.reads.map(toKvRead));
      info.setRawReads(reads);
      return info;
    }),
  );
  kv.setWritesList(
    set.writes.map((write) => {
      const entry = new kvrwset.KVWrite();
      entry.setKey(write.key);
      entry.setIsDelete(write.isDelete);
      entry.setValue(write.value);
      return entry;
    }),
  );
  return kv;
}

function toKvRead(read: KeyRead): InstanceType<typeof kvrwset.KVRead> {
  const entry = new kvrwset.KVRead();
  entry.setKey(read.key);
  if (read.version) {
    const version = new kvrwset.Version();
    version.setBlockNum(read.version.blockNum);
    version.setTxNum(read.version.txNum);
    entry.setVersion(version);
  }
  return entry;
}

function fromKvRead(read: InstanceType<typeof kvrwset.KVRead>): KeyRead {
  const version = read.getVersion();
  return {
    key: read.getKey(),
    version: version ? { blockNum: version.getBlockNum(), txNum: version.getTxNum() } : null,
  };
}
