/**
 * ReadWriteSet ⇄ Fabric's wire form: rwset.TxReadWriteSet (data model KV) with one NsReadWriteSet per
 * namespace whose rwset bytes are a kvrwset.KVRWSet (reads, range query infos with raw reads, writes) —
 * what goes into ChaincodeAction.results and is validated at commit. Range reads are always carried raw:
 * Fabric summarises them as Merkle hashes only past 50 results, and its validator accepts either.
 */
import { ledger } from '@hyperledger/fabric-protos';
import { BlockFormatError, BlockFormatErrorCode } from '../blocks/errors';
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

/**
 * One ReadWriteSet per namespace. Private-data hashes and metadata writes have no representation here and
 * are ignored; Merkle-summarised range reads cannot be re-checked key by key and are refused.
 */
export function decodeReadWriteSets(bytes: Uint8Array): ReadWriteSet[] {
  let tx: InstanceType<typeof rwset.TxReadWriteSet>;
  try {
    tx = rwset.TxReadWriteSet.deserializeBinary(bytes);
  } catch {
    return malformed('cannot decode TxReadWriteSet');
  }
  if (tx.getDataModel() !== rwset.TxReadWriteSet.DataModel.KV)
    malformed('only the KV data model is supported');
  return tx.getNsRwsetList().map((ns) => {
    let kv: InstanceType<typeof kvrwset.KVRWSet>;
    try {
      kv = kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    } catch {
      return malformed(`cannot decode the KVRWSet of namespace '${ns.getNamespace()}'`);
    }
    return {
      namespace: ns.getNamespace(),
      reads: kv.getReadsList().map(fromKvRead),
      rangeQueries: kv.getRangeQueriesInfoList().map((info): RangeQueryRead => {
        if (info.hasReadsMerkleHashes()) malformed('Merkle-summarised range query reads are not supported');
        return {
          startKey: info.getStartKey(),
          endKey: info.getEndKey(),
          itrExhausted: info.getItrExhausted(),
          reads: info.getRawReads()?.getKvReadsList().map(fromKvRead) ?? [],
        };
      }),
      writes: kv.getWritesList().map((write) => ({
        key: write.getKey(),
        isDelete: write.getIsDelete(),
        value: write.getValue_asU8(),
      })),
    };
  });
}

function malformed(reason: string): never {
  throw new BlockFormatError(
    BlockFormatErrorCode.MalformedReadWriteSet,
    `malformed read-write set: ${reason}`,
  );
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
