import { problemOf, retryAfterMs } from './api-client';
import { formatReplay, replayExitCode } from './replay';
import type { ReplayReportView } from './replay';
import { formatDecision, isGranted } from './request';
import { formatUsers, resolveUserId } from './users';
import type { UserView } from './users';

describe('problem details', () => {
  it('carries the stable code, status and Retry-After of a problem+json answer', async () => {
    const error = await problemOf(
      new Response(
        JSON.stringify({ code: 'DATALAKE_UNAVAILABLE', status: 503, detail: 'the data lake is down' }),
        {
          status: 503,
          headers: { 'content-type': 'application/problem+json', 'retry-after': '2' },
        },
      ),
    );
    expect([error.code, error.status, error.retryAfterMs, error.message]).toEqual([
      'DATALAKE_UNAVAILABLE',
      503,
      2000,
      'the data lake is down',
    ]);
  });

  it('falls back to the status when a proxy answers with a page', async () => {
    const error = await problemOf(new Response('<html>busy</html>', { status: 502 }));
    expect([error.code, error.status]).toEqual(['HTTP_502', 502]);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('request output', () => {
  const entry = {
    grantId: 'grant-1',
    decision: {
      categories: [
        { category: 'allergies', granted: true },
        { category: 'results', granted: false },
      ],
    },
  };

  it('shows the decision per category', () => {
    expect(formatDecision(entry)).toBe('grant grant-1\n  granted allergies\n  denied  results');
    expect(isGranted(entry)).toBe(true);
    expect(isGranted({ decision: { categories: [{ category: 'results', granted: false }] } })).toBe(false);
  });
});

describe('replay output', () => {
  const report: ReplayReportView = {
    range: { from: 0, to: 9 },
    blocksChecked: 10,
    transactionsChecked: 30,
    decisionsChecked: 4,
    deliveriesChecked: 2,
    manifestsChecked: 2,
    discrepancies: [],
    ok: true,
  };

  it('exits 0 for a clean chain and 1 when any discrepancy is found', () => {
    expect(replayExitCode(report)).toBe(0);
    const broken: ReplayReportView = {
      ...report,
      ok: false,
      discrepancies: [
        { kind: 'DECISION_MISMATCH' as const, block: 7, txId: 'tx7', detail: 'granted results' },
      ],
    };
    expect(replayExitCode(broken)).toBe(1);
    expect(formatReplay(broken)).toContain('DECISION_MISMATCH block 7 tx tx7: granted results');
  });
});

describe('users output', () => {
  const users: UserView[] = [
    {
      userId: '0f0e6f2c-3c1b-4c43-9a59-4c1b1c1e0a11',
      username: 'dr.weber',
      role: 'clinician',
      mspId: 'HospitalDEMSP',
      country: 'DE',
      ledgerId: 'clin-weber',
      mfaEnabled: false,
      disabled: true,
    },
  ];

  it('lists users in aligned columns without display names', () => {
    const lines = formatUsers(users).split('\n');
    expect(lines[0]).toMatch(/^USERNAME\s+ROLE\s+ORGANISATION/);
    expect(lines[1]).toContain('disabled');
    expect(lines[0]?.indexOf('ROLE')).toBe(lines[1]?.indexOf('clinician'));
  });

  it('resolves a login name to its user id', () => {
    expect(resolveUserId(users, 'Dr.Weber')).toBe(users[0]?.userId);
    expect(resolveUserId(users, 'nobody')).toBeUndefined();
  });
});
