/** @custodia/gateway: the HTTP API in front of the ledger and the data lake, and the platform's composition root. */
export { loadGatewayConfig } from './config';
export type { GatewayConfig } from './config';
export { GatewayError, GATEWAY_ERROR_STATUS } from './errors';
export type { GatewayErrorCode } from './errors';
export { startGateway, GATEWAY_VERSION } from './server';
export { createLogger, REDACT_PATHS } from './logging';
export type { GatewayDeps, RunningGateway } from './server';
export { API_BASE, FHIR_BASE } from './http/route';
export type { RouteDef } from './http/route';
export { startPlatform, LAKE_IDENTITY } from './platform/start-platform';
export type { PlatformOptions, RunningPlatform } from './platform/start-platform';
export { totpCode } from './platform/seed';
export type { DemoLogin } from './platform/seed';
export type { AuthUser, User } from './identity/user';
