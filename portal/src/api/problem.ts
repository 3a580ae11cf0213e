/** RFC 9457 problem details as the gateway answers them; the portal shows `detail` to people. */
export interface ProblemBody {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly code?: string;
  readonly [extension: string]: unknown;
}

/** A failed API call. `code` is the gateway's stable machine code: branch on it, never on text. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly body: ProblemBody;

  constructor(status: number, body: ProblemBody) {
    const detail = body.detail ?? body.title ?? fallbackDetail(status);
    super(detail);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = body.code ?? `HTTP_${status}`;
    this.detail = detail;
    this.body = body;
  }
}

/** Codes the portal creates itself (the gateway never sends them). */
export const CLIENT_CODES = { network: 'NETWORK_UNREACHABLE', session: 'SESSION_ENDED' } as const;

export function networkProblem(): ApiProblem {
  return new ApiProblem(0, {
    code: CLIENT_CODES.network,
    title: 'Service unreachable',
    detail: 'The service cannot be reached right now. Check your connection and try again.',
  });
}

export function sessionEndedProblem(): ApiProblem {
  return new ApiProblem(401, {
    code: CLIENT_CODES.session,
    title: 'Signed out',
    detail: 'Your session has ended. Please sign in again.',
  });
}

/** What to tell a person when the answer carries no problem document. */
export function fallbackDetail(status: number): string {
  if (status === 401) return 'Please sign in again.';
  if (status === 403) return 'You are not allowed to do this.';
  if (status === 404) return 'This could not be found.';
  if (status === 413) return 'This file is too large.';
  if (status === 429) return 'Too many attempts. Please wait a moment and try again.';
  if (status >= 500) return 'The service had a problem. Please try again in a moment.';
  return 'The request could not be completed.';
}

/** Reads a failed response into an ApiProblem, whatever its content type. */
export async function problemFrom(response: Response): Promise<ApiProblem> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body: unknown = await response.json();
      if (body && typeof body === 'object') return new ApiProblem(response.status, body as ProblemBody);
    } catch {
      // A broken body is reported like an empty one.
    }
  }
  return new ApiProblem(response.status, {});
}

/** A thrown value as an ApiProblem, so views have one thing to render. */
export function asProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  return new ApiProblem(0, {
    code: 'CLIENT_ERROR',
    detail: 'Something went wrong in the page. Please try again.',
  });
}
