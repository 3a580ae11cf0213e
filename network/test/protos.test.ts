/**
 * One @hyperledger/fabric-protos in the process. Its generated code (google-protobuf) registers every message class
 * in one global namespace (`proto.common.*`, `proto.protos.*`) and looks nested classes up there when it
 * serialises, so two versions loaded together overwrite each other's classes and one version's objects are written
 * by the other's code: with fabric-shim's 0.2.x loaded before the network's 0.3.x, writing a block's metadata asks
 * a 0.2.x signature for the `identifier_header` 0.3.x added ("getIdentifierHeader_asU8 is not a function") and no
 * transaction commits. The root package.json's `overrides` gives fabric-shim the version everything else uses.
 */
import 'fabric-shim';
import { dirname } from 'node:path';
import { ORG_DE, permitClinicians, pseudonym, startEmbeddedTestNetwork } from './fixtures/embedded-network';

const protosFrom = (module: string): string =>
  require.resolve('@hyperledger/fabric-protos', { paths: [dirname(require.resolve(module))] });

it('resolves to one copy for fabric-shim, fabric-gateway, the network and the gateway', () => {
  const network = require.resolve('@hyperledger/fabric-protos', { paths: [__dirname] });
  expect(protosFrom('fabric-shim')).toBe(network);
  expect(protosFrom('@hyperledger/fabric-gateway')).toBe(network);
  expect(require.resolve('@hyperledger/fabric-protos', { paths: [`${__dirname}/../../gateway/src`] })).toBe(
    network,
  );
});

it('commits through the in-process embedded network when fabric-shim was loaded first', async () => {
  const net = await startEmbeddedTestNetwork();
  try {
    const patient = await net.connect(await net.enrolPatient(ORG_DE, pseudonym('protos')));
    const result = await patient.submit('rules:createRule', { arguments: [permitClinicians()] });
    expect(result.blockNumber).toBeGreaterThan(0n);
  } finally {
    await net.destroy();
  }
}, 60_000);
