/** Erasure cases and the statement of what an erasure erases (types the portal shares, and their logic). */
export { ERASURE_STEPS, isErasing } from './erasure-case';
export type { ErasureCase, ErasureStatus, ErasureStep, ErasureSubject } from './erasure-case';
export { ErasureService } from './erasure-service';
export type { ErasureSteps, Execution } from './erasure-service';
export { ErasureStore } from './erasure-store';
export { ERASURE_STATEMENT } from './statement';
export type { ErasureStatement, StatementItem } from './statement';
