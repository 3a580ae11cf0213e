/**
 * A read that may be sent again: when the connection it went out on was reset before any answer — a kept-alive
 * socket the server closed as the request left (the idle-timeout race of HTTP keep-alive) — it is sent once more.
 * Used by every S3 read the lake makes, through its client (minio-store.ts) or a presigned URL (presigned-get.ts).
 */
export async function idempotent<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (codeOf(error) !== 'ECONNRESET' && codeOf(error) !== 'EPIPE') throw error;
    return call();
  }
}

/** The `code` an S3 client or a socket gives its error, if it is a string. */
export function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
