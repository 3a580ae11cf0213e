/**
 * `npm run -w gateway start`: the gateway alone, for deployments where the ledger (CUSTODIA_NETWORK=fabric +
 * CUSTODIA_CONNECTION_FILE, or a running embedded network) and the data lake (CUSTODIA_DATALAKE_URL + _TOKEN)
 * run as their own services. Users are enrolled at the organisations' Fabric CAs with each organisation's registrar
 * (CUSTODIA_CA_REGISTRARS, or one for all: CUSTODIA_CA_ADMIN_ID / CUSTODIA_CA_ADMIN_SECRET); their keys go to the
 * wallet the data lake reads.
 */
import path from 'node:path';
import { readConnectionProfile, readLedgerClientConfig, runService, FileWallet } from '@custodia/ledger';
import { loadGatewayConfig } from './config';
import { caEndpoints, openIdentityService, readOidcConfig, readRegistrars } from './identity';
import { createLogger } from './logging';
import { startGateway, walletSigner } from './server';

const logger = createLogger({ name: 'gateway', level: process.env.CUSTODIA_LOG_LEVEL ?? 'info' });
runService('gateway', logger, async () => {
  const env = process.env;
  const config = loadGatewayConfig(env);
  const ledgerConfig = readLedgerClientConfig(env);
  const profile = await readConnectionProfile(ledgerConfig.profilePath);
  const wallet = await FileWallet.open(path.resolve(env.CUSTODIA_WALLET_DIR ?? '.custodia/wallet'));
  const oidc = readOidcConfig(env);
  const identity = await openIdentityService({
    dataDir: config.dataDir,
    profile,
    registrars: await readRegistrars(
      env,
      path.dirname(ledgerConfig.profilePath),
      caEndpoints(profile).map((ca) => ca.mspId),
    ),
    wallet,
    logger: logger.child({ service: 'identity' }),
    ...(oidc === undefined ? {} : { oidc }),
  });
  if (config.datalake === undefined)
    logger.warn('CUSTODIA_DATALAKE_URL is not set: record routes answer 503');
  const service = serviceIdentity(env.CUSTODIA_GATEWAY_LEDGER_IDENTITY);
  if (service === undefined)
    logger.warn(
      'CUSTODIA_GATEWAY_LEDGER_IDENTITY is not set: /readyz cannot ask the ledger and reports it not ready',
    );
  return startGateway(config, {
    identity,
    profile,
    ledgerConfig,
    logger,
    ...(service === undefined ? {} : { serviceSigner: walletSigner(wallet, service) }),
  });
});

/** CUSTODIA_GATEWAY_LEDGER_IDENTITY: `<mspId>/<id>` of a wallet identity (the platform's service identity). */
function serviceIdentity(value: string | undefined): { mspId: string; id: string } | undefined {
  if (value === undefined || value === '') return undefined;
  const [mspId, id, ...rest] = value.split('/');
  if (!mspId || !id || rest.length > 0)
    throw new Error('CUSTODIA_GATEWAY_LEDGER_IDENTITY must be <mspId>/<id>');
  return { mspId, id };
}
