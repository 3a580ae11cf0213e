export { startCaServer, createCaRequestListener } from './server';
export type { CaServer } from './server';
export { CaService } from './service';
export type { CaLogger, CaServiceOptions, RevocationSink } from './service';
export { resolveCaConfig } from './config';
export type { CaConfig, CaOptions, CaServerOptions } from './config';
export { CaError, CaErrorCode, FabricCaCode } from './errors';
export type { IdentityRecord, RegisteredAttribute } from './state';
export type { CaInfoResult, EnrollResult, RevokeResult } from './wire';
