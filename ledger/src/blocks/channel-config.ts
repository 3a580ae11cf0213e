import { common } from '@hyperledger/fabric-protos';

/** The channel configuration a config block carries (block 0: the organisations, their CAs, the orderers). */
export function channelConfigOf(block: common.Block): common.Config | undefined {
  const first = block.getData()?.getDataList_asU8()[0];
  if (!first) return undefined;
  const payload = common.Payload.deserializeBinary(
    common.Envelope.deserializeBinary(first).getPayload_asU8(),
  );
  return common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
}
