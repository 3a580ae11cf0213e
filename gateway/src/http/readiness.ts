/**
 * /readyz: can this instance serve what its routes need, now? Each component is asked a real question with a
 * short deadline — the ledger a read through the client's fail-over policy (qscc GetChainInfo as the platform's
 * service identity), the data lake its health, which reads its storage — so a frozen peer with no other to move
 * to, or a lake whose S3 does not answer, takes the instance out of a load balancer's rotation.
 */
export type ReadinessCheck = () => Promise<boolean>;

/** False when `check` fails or takes longer than `timeoutMs`. */
export async function withinDeadline(check: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([check().catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every component's answer, asked in parallel, each within `timeoutMs`. */
export async function readiness(
  checks: Readonly<Record<string, ReadinessCheck>>,
  timeoutMs: number,
): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    Object.entries(checks).map(
      async ([name, check]) => [name, await withinDeadline(check, timeoutMs)] as const,
    ),
  );
  return Object.fromEntries(entries);
}
