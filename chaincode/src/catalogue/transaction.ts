/**
 * What a client needs to know about one chaincode transaction: its contract and name, whether it is submitted
 * (endorsed, ordered, committed) or only evaluated, its parameters in the contract's order, how a typed input
 * becomes those argument strings, and how the JSON answer is checked back into the model's type.
 */
import { fail } from '../model';
import type { Decoded, Decoder } from '../model';

export const CONTRACT_NAMES = [
  'organisations',
  'patients',
  'identities',
  'rules',
  'emergency',
  'records',
  'access',
  'contributions',
  'audit',
] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export type TransactionKind = 'submit' | 'evaluate';

/** The argument strings of a transaction, one per parameter name. */
export type Arguments<P extends readonly string[]> = { readonly [N in P[number]]: string };

export interface Transaction<
  I,
  O,
  K extends TransactionKind = TransactionKind,
  P extends readonly string[] = readonly string[],
> {
  readonly contract: ContractName;
  readonly name: string;
  readonly kind: K;
  /** The transaction function's parameters after the context, in the contract's order. */
  readonly parameters: P;
  readonly encode: (input: I) => Arguments<P>;
  /** Checks the parsed JSON answer and types it. */
  readonly decode: Decoder<O>;
}

/** A catalogue entry before its contract section names it. */
export type UnnamedTransaction<I, O, K extends TransactionKind, P extends readonly string[]> = Omit<
  Transaction<I, O, K, P>,
  'contract' | 'name'
>;

function entry<K extends TransactionKind>(kind: K) {
  return <I, O, const P extends readonly string[]>(
    parameters: P,
    encode: (input: I) => Arguments<P>,
    decode: Decoder<O>,
  ): UnnamedTransaction<I, O, K, P> => ({ kind, parameters, encode, decode });
}

/** A transaction that writes: endorsed, ordered and committed. */
export const submitted = entry('submit');
/** A read: run on one peer, never ordered. */
export const evaluated = entry('evaluate');

type AnyUnnamed = UnnamedTransaction<never, unknown, TransactionKind, readonly string[]>;

/** One contract's section of the catalogue: every entry gets its contract and, from its key, its name. */
export function contract<C extends ContractName, E extends Record<string, AnyUnnamed>>(
  name: C,
  entries: E,
): { readonly [N in keyof E & string]: E[N] & { readonly contract: C; readonly name: N } } {
  return Object.fromEntries(
    Object.entries(entries).map(([transaction, spec]) => [
      transaction,
      { ...spec, contract: name, name: transaction },
    ]),
  ) as { readonly [N in keyof E & string]: E[N] & { readonly contract: C; readonly name: N } };
}

/** The function name a Fabric client sends: `<contract>:<transaction>`. */
export function functionName(transaction: Pick<Transaction<never, unknown>, 'contract' | 'name'>): string {
  return `${transaction.contract}:${transaction.name}`;
}

/** The argument strings of `input`, in the contract's parameter order. */
export function argumentsOf<I, P extends readonly string[]>(
  transaction: Pick<Transaction<I, unknown, TransactionKind, P>, 'parameters' | 'encode'>,
  input: I,
): string[] {
  const encoded: Readonly<Record<string, string>> = transaction.encode(input);
  return transaction.parameters.map((parameter) => encoded[parameter] ?? '');
}

/** Parses and checks a transaction's answer (the UTF-8 JSON the contract returned). */
export function decodeAnswer<O>(
  transaction: Pick<Transaction<never, O>, 'decode' | 'contract' | 'name'>,
  payload: string,
): Decoded<O> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return fail('answer', 'is not JSON');
  }
  return transaction.decode(parsed, 'answer');
}
