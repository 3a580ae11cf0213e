import { RefreshSessions } from './refresh-sessions';

const HOUR = 3_600_000;

describe('refresh token rotation', () => {
  it('rotates on every use: the new token works, the old one does not', () => {
    const sessions = new RefreshSessions();
    const first = sessions.start('user-1', 0);
    const second = sessions.rotate(first.token, 1000);
    expect(second).toMatchObject({ userId: 'user-1', familyId: first.familyId });
    expect(second.token).not.toBe(first.token);
    const third = sessions.rotate(second.token, 2000);
    expect(third.familyId).toBe(first.familyId);
  });

  it('reuse of a rotated token revokes the whole family, including the newest token', () => {
    const sessions = new RefreshSessions();
    const other = sessions.start('user-1', 0);
    const first = sessions.start('user-1', 0);
    const second = sessions.rotate(first.token, 1000);
    expect(() => sessions.rotate(first.token, 2000)).toThrow(
      expect.objectContaining({ code: 'TOKEN_INVALID' }),
    );
    expect(() => sessions.rotate(second.token, 3000)).toThrow(
      expect.objectContaining({ code: 'TOKEN_INVALID' }),
    );
    // Another login of the same user is untouched.
    expect(sessions.rotate(other.token, 3000).userId).toBe('user-1');
  });

  it('expires tokens after their lifetime and families after theirs', () => {
    const sessions = new RefreshSessions({ tokenTtlMs: HOUR, familyTtlMs: 3 * HOUR });
    const first = sessions.start('user-1', 0);
    expect(() => sessions.rotate(first.token, HOUR)).toThrow(
      expect.objectContaining({ code: 'TOKEN_EXPIRED' }),
    );
    let token = sessions.start('user-1', 0).token;
    token = sessions.rotate(token, 0.9 * HOUR).token;
    token = sessions.rotate(token, 1.8 * HOUR).token;
    token = sessions.rotate(token, 2.7 * HOUR).token;
    expect(() => sessions.rotate(token, 3 * HOUR)).toThrow(
      expect.objectContaining({ code: 'TOKEN_EXPIRED' }),
    );
  });

  it('logout revokes one family; revokeUser revokes all of a user; unknown tokens are refused', () => {
    const sessions = new RefreshSessions();
    const a = sessions.start('user-1', 0);
    const b = sessions.start('user-1', 0);
    const c = sessions.start('user-2', 0);
    sessions.revoke(a.token, 1);
    sessions.revoke('not-a-token', 1);
    expect(() => sessions.rotate(a.token, 2)).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
    const b2 = sessions.rotate(b.token, 2);
    sessions.revokeUser('user-1', 3);
    expect(() => sessions.rotate(b2.token, 4)).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
    expect(sessions.rotate(c.token, 4).userId).toBe('user-2');
    expect(() => sessions.rotate('not-a-token', 4)).toThrow(
      expect.objectContaining({ code: 'TOKEN_INVALID' }),
    );
  });

  it('keeps only token hashes in its state, and resumes from it (reuse still detected)', () => {
    const sessions = new RefreshSessions();
    const first = sessions.start('user-1', 0);
    const second = sessions.rotate(first.token, 1);
    const state = JSON.parse(JSON.stringify(sessions.state())) as ReturnType<RefreshSessions['state']>;
    expect(JSON.stringify(state)).not.toContain(first.token);
    expect(JSON.stringify(state)).not.toContain(second.token);
    const resumed = new RefreshSessions({}, state);
    expect(() => resumed.rotate(first.token, 2)).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
    expect(() => resumed.rotate(second.token, 3)).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
  });

  it('prunes families past their lifetime', () => {
    const sessions = new RefreshSessions({ familyTtlMs: HOUR });
    sessions.start('user-1', 0);
    const live = sessions.start('user-1', HOUR / 2);
    sessions.prune(HOUR);
    expect(Object.keys(sessions.state().families)).toEqual([live.familyId]);
    expect(Object.keys(sessions.state().tokens)).toHaveLength(1);
  });
});
