/** The base of every typed error in the network package: a stable machine-readable code callers switch on. */
export class CodedError<C extends string> extends Error {
  constructor(
    readonly code: C,
    message: string,
  ) {
    super(message);
  }
}
