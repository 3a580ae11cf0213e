import { GatewayError } from '../errors';
import { ISSUE_TEXT_MAX, MAX_KEPT_ISSUES, uploadFailure } from './upload-failure';

/** An error as the data-lake client throws it for a refused FHIR upload. */
function lakeError(issues: unknown): Error & { code: string; details: unknown } {
  return Object.assign(new Error('FHIR resource failed structural validation'), {
    code: 'INVALID_INPUT',
    status: 400,
    details: { issues },
  });
}

describe('uploadFailure', () => {
  it('keeps the code and each issue’s place and reason', () => {
    expect(
      uploadFailure(
        lakeError([
          { expression: 'Bundle.entry[1].resource.status', reason: 'Invalid code' },
          { reason: 'Missing required property' },
        ]),
      ),
    ).toEqual({
      error: 'INVALID_INPUT',
      issues: [
        { expression: 'Bundle.entry[1].resource.status', reason: 'Invalid code' },
        { reason: 'Missing required property' },
      ],
    });
  });

  it('bounds what it keeps: a flood of long issues cannot grow the history without limit', () => {
    const flood = Array.from({ length: 500 }, () => ({
      expression: 'x'.repeat(10_000),
      reason: 'y'.repeat(10_000),
    }));
    const kept = uploadFailure(lakeError(flood)).issues ?? [];
    expect(kept).toHaveLength(MAX_KEPT_ISSUES);
    expect(kept.every((issue) => issue.reason.length === ISSUE_TEXT_MAX)).toBe(true);
    expect(kept.every((issue) => (issue.expression ?? '').length === ISSUE_TEXT_MAX)).toBe(true);
  });

  it('drops what is not an issue, and keeps only the code of errors without issues', () => {
    expect(uploadFailure(lakeError([42, null, { reason: 7 }, { expression: 'a' }, 'text']))).toEqual({
      error: 'INVALID_INPUT',
    });
    expect(uploadFailure(new GatewayError('PAYLOAD_TOO_LARGE', 'too large'))).toEqual({
      error: 'PAYLOAD_TOO_LARGE',
    });
    expect(uploadFailure(new Error('boom'))).toEqual({ error: 'INTERNAL' });
  });
});
