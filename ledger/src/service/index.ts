/** @custodia/ledger/service: how Custodia's services run — as a process of their own, or on a thread of one. */
export { runService } from './run-service';
export type { Closable, ServiceLogger } from './run-service';
export {
  compiledEntry,
  serveOnThread,
  ServiceThreadError,
  startOnThread,
  startServiceThread,
} from './service-thread';
export type {
  OnThread,
  ServiceThread,
  ServiceThreadOptions,
  ThreadLogger,
  ThreadService,
} from './service-thread';
