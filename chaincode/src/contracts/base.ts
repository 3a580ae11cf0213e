/** What every Custodia contract shares: its context, who is admitted, argument size limits and typed failures. */
import { Contract } from 'fabric-contract-api';
import type { Context } from 'fabric-contract-api';
import { ChaincodeError, LIMITS } from '../model';
import type { Decoded } from '../model';
import type { ContractName } from '../catalogue';
import { CustodiaContext } from './context';

export abstract class CustodiaContract extends Contract {
  /** A contract's name is its section of the transaction catalogue. */
  constructor(name: ContractName) {
    super(name);
  }

  override createContext(): CustodiaContext {
    return new CustodiaContext();
  }

  override async beforeTransaction(ctx: Context): Promise<void> {
    const args = ctx.stub.getArgs();
    for (let i = 1; i < args.length; i++) {
      if (Buffer.byteLength(args[i] ?? '', 'utf8') > LIMITS.maxArgumentBytes) {
        throw new ChaincodeError(
          'INVALID_ARGUMENT',
          `argument ${i} exceeds ${LIMITS.maxArgumentBytes} bytes`,
        );
      }
    }
    try {
      await this.admit(ctx as CustodiaContext);
    } catch (error) {
      throw coded(ctx, error);
    }
  }

  /** Who may call this contract at all: by default an enabled identity of a member organisation. */
  protected async admit(ctx: CustodiaContext): Promise<void> {
    await ctx.admit();
  }

  override async unknownTransaction(): Promise<void> {
    throw new ChaincodeError('NOT_FOUND', 'unknown transaction');
  }

  override async aroundTransaction(
    ctx: Context,
    fn: Parameters<Contract['aroundTransaction']>[1],
    parameters: unknown,
  ): Promise<void> {
    try {
      return await super.aroundTransaction(ctx, fn, parameters);
    } catch (error) {
      throw coded(ctx, error);
    }
  }
}

/** Unexpected failures become INTERNAL, so every failure a client sees carries a code. */
function coded(ctx: Context, error: unknown): ChaincodeError {
  if (error instanceof ChaincodeError) return error;
  ctx.logging
    .getLogger()
    .error(`${ctx.stub.getTxID()} ${error instanceof Error ? error.message : 'failure'}`);
  return new ChaincodeError('INTERNAL', 'internal error');
}

/** The value, or the validation error thrown as INVALID_ARGUMENT. */
export function valid<T>(decoded: Decoded<T>): T {
  if (!decoded.ok) throw new ChaincodeError('INVALID_ARGUMENT', decoded.error.message);
  return decoded.value;
}

export function json(value: unknown): string {
  return JSON.stringify(value);
}
