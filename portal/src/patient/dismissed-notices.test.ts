/** @jest-environment ./portal/test/support/jsdom-environment.js */
import { localNoticeStore, MAX_KEPT_NOTICES } from './dismissed-notices';

beforeEach(() => window.localStorage.clear());

describe('localNoticeStore', () => {
  it('remembers dismissed notices across sign-ins, per account', () => {
    localNoticeStore('user-1').dismiss(['tx-a', 'tx-b']);
    expect([...localNoticeStore('user-1').dismissed()].sort()).toEqual(['tx-a', 'tx-b']);
    expect(localNoticeStore('user-2').dismissed().size).toBe(0);
  });

  it('stores only the ids, and forgets the oldest beyond its bound', () => {
    const store = localNoticeStore('user-1');
    store.dismiss(Array.from({ length: MAX_KEPT_NOTICES + 5 }, (_, i) => `tx-${i}`));
    const kept = localNoticeStore('user-1').dismissed();
    expect(kept.size).toBe(MAX_KEPT_NOTICES);
    expect(kept.has('tx-0')).toBe(false);
    expect(kept.has(`tx-${MAX_KEPT_NOTICES + 4}`)).toBe(true);
    expect(Object.keys(window.localStorage)).toEqual(['custodia.dismissedNotices.user-1']);
  });

  it('survives what another script left under its key', () => {
    window.localStorage.setItem('custodia.dismissedNotices.user-1', '{not json');
    expect(localNoticeStore('user-1').dismissed().size).toBe(0);
    window.localStorage.setItem('custodia.dismissedNotices.user-1', '[1, "tx-a", null]');
    expect([...localNoticeStore('user-1').dismissed()]).toEqual(['tx-a']);
  });
});
