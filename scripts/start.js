#!/usr/bin/env node
/**
 * `npm start`: the whole platform on its embedded default, in one process, from the built packages — the
 * embedded Fabric-compatible network (or, with CUSTODIA_NETWORK=fabric, a running Fabric network) and the embedded
 * S3 server, each on a thread of its own, the data lake, and the gateway serving the portal at
 * http://localhost:8080. A thread that fails stops the platform with exit code 1 (for a supervisor to restart it).
 * The first start seeds a demo and prints its logins. Data persists under .custodia/ across restarts; Ctrl-C stops
 * everything cleanly.
 */
// fabric-contract-api logs every contract annotation at info level; warnings are what an operator needs.
process.env.CUSTODIA_LOG_LEVEL ??= 'info';
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'warning';
const path = require('node:path');
const { runService } = require('@custodia/ledger');
const { createLogger, startPlatform } = require('@custodia/gateway');

const logger = createLogger({ name: 'custodia', level: process.env.CUSTODIA_LOG_LEVEL });
runService('custodia', logger, async () => {
  const root = path.resolve(__dirname, '..');
  const platform = await startPlatform({
    dataDir: process.env.CUSTODIA_DATA_DIR ?? path.join(process.cwd(), '.custodia'),
    port: Number(process.env.CUSTODIA_GATEWAY_PORT ?? 8080),
    portalDir: process.env.CUSTODIA_PORTAL_DIR ?? path.join(root, 'portal', 'dist'),
    seed: process.env.CUSTODIA_SEED !== 'false',
    logger,
    // Logged by the platform; then everything is closed cleanly and the process exits 1 (runService stops on the
    // signal, once the platform has started if it is still starting).
    onServiceStopped: () => {
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    },
  });
  const url = platform.url.replace('127.0.0.1', 'localhost');
  const lines = [
    '',
    `Custodia is running at ${url}  (API: ${url}/api/v1/openapi.json)`,
    `  ledger (Fabric Gateway gRPC, TLS): ${platform.network.profile.peers.map((peer) => peer.endpoint).join(', ')}`,
    ...platform.network.profile.organisations.map(
      (org) => `  ${org.mspId} (${org.country}) Fabric CA: ${org.ca?.url ?? '—'}`,
    ),
  ];
  if (platform.demo.length > 0) {
    lines.push('', 'Demo logins (synthetic data):');
    for (const login of platform.demo)
      lines.push(
        `  ${login.role.padEnd(9)} ${login.username.padEnd(14)} password ${login.password}` +
          (login.totpSecret ? `  TOTP secret ${login.totpSecret}` : ''),
      );
  }
  lines.push('Press Ctrl-C to stop.', '');
  process.stdout.write(lines.join('\n'));
  return platform;
});
