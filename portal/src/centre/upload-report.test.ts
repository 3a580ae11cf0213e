import { ApiProblem } from '../api/problem';
import { problemIssues, uploadReport } from './upload-report';

describe('uploadReport', () => {
  it('counts new and already stored records and keeps the entries left out', () => {
    expect(
      uploadReport({
        records: [
          { recordId: 'a', outcome: 'created' },
          { recordId: 'b', outcome: 'existing' },
          { recordId: 'c', outcome: 'created' },
        ],
        skipped: [{ index: 3, resourceType: 'Basic', reason: 'no-category' }],
      }),
    ).toEqual({
      created: 2,
      existing: 1,
      skipped: [{ index: 3, resourceType: 'Basic', reason: 'no-category' }],
    });
    expect(uploadReport(undefined)).toBeUndefined();
  });
});

describe('problemIssues', () => {
  it('reads the issues of a refusal, ignoring anything malformed', () => {
    const problem = new ApiProblem(400, {
      code: 'INVALID_INPUT',
      issues: [
        { expression: 'Observation.status', reason: 'Invalid code' },
        { reason: 'Missing field' },
        7,
        { x: 1 },
      ],
    });
    expect(problemIssues(problem)).toEqual([
      { expression: 'Observation.status', reason: 'Invalid code' },
      { reason: 'Missing field' },
    ]);
    expect(problemIssues(new ApiProblem(503, {}))).toEqual([]);
  });
});
