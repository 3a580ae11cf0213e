#!/usr/bin/env node
/**
 * `npm start`: the platform on its embedded default, in one process, from the built packages.
 * Today that is the embedded Fabric-compatible network (peer Gateway + Deliver over TLS, one
 * Fabric-CA-compatible enrolment server per organisation, the Custodia chaincode in-process).
 * Data persists under .custodia/ across restarts; Ctrl-C closes the ledger cleanly.
 */
// fabric-contract-api logs every contract annotation at info level; warnings are what an operator needs.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'warning';
const pino = require('pino');
const { readEmbeddedConfig, startEmbeddedNetwork } = require('@custodia/network/embedded');

async function main() {
  const logger = pino({ name: 'custodia' });
  const config = await readEmbeddedConfig();
  const network = await startEmbeddedNetwork(config, { logger });
  const organisations = network.organisations.map(({ mspId, country, caUrl }) => ({ mspId, country, caUrl }));
  logger.info(
    { endpoint: network.endpoint, profile: network.profilePath, organisations },
    'embedded network ready',
  );
  process.stdout.write(
    [
      '',
      'Custodia is running on its embedded default.',
      `  ledger (Fabric Gateway gRPC, TLS): ${network.endpoint}`,
      `  connection profile:                ${network.profilePath}`,
      ...organisations.map((org) => `  ${org.mspId} (${org.country}) Fabric CA: ${org.caUrl}`),
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    network.close().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error) => {
  process.stderr.write(
    `custodia failed to start: ${error.code ?? 'ERROR'} ${error.message ?? String(error)}\n`,
  );
  process.exit(1);
});
