import { fakeNetwork, problem } from '../../test/support/network';
import { ApiClient, withQuery } from './client';
import { CLIENT_CODES } from './problem';
import { memoryRefreshStore } from './tokens';

function clientOver(routes: Parameters<typeof fakeNetwork>[0]) {
  const network = fakeNetwork(routes);
  const store = memoryRefreshStore();
  const ended = jest.fn();
  const client = new ApiClient({ refreshStore: store, fetch: network.fetch, onSessionEnded: ended });
  client.startSession({ accessToken: 'old-access', refreshToken: 'refresh-1', expiresIn: 600 });
  return { network, store, ended, client };
}

describe('ApiClient', () => {
  it('renews an expired access token once with the rotated refresh token and retries the call', async () => {
    const { network, store, client } = clientOver({
      'GET /auth/me': (call) =>
        call.headers.authorization === 'Bearer new-access'
          ? { body: { username: 'pat' } }
          : problem(401, 'TOKEN_EXPIRED', 'expired'),
      'POST /auth/refresh': {
        body: { accessToken: 'new-access', refreshToken: 'refresh-2', expiresIn: 600 },
      },
    });
    await expect(
      Promise.all([client.json('GET', '/auth/me'), client.json('GET', '/auth/me')]),
    ).resolves.toEqual([{ username: 'pat' }, { username: 'pat' }]);
    // Two expired calls, one renewal: a second refresh with the rotated token would revoke the family.
    expect(network.callsTo('POST /auth/refresh')).toHaveLength(1);
    expect(network.callsTo('POST /auth/refresh')[0]?.body).toEqual({ refreshToken: 'refresh-1' });
    expect(store.load()).toBe('refresh-2');
  });

  it('ends the session when the refresh token is refused', async () => {
    const { client, store, ended } = clientOver({
      'GET /auth/me': problem(401, 'TOKEN_EXPIRED', 'expired'),
      'POST /auth/refresh': problem(401, 'INVALID_CREDENTIALS', 'invalid credentials'),
    });
    await expect(client.json('GET', '/auth/me')).rejects.toMatchObject({
      code: CLIENT_CODES.session,
      status: 401,
    });
    expect(ended).toHaveBeenCalled();
    expect(store.load()).toBeUndefined();
  });

  it('carries the problem detail and code of a refused call', async () => {
    const { client } = clientOver({
      'POST /access-requests': problem(503, 'DATALAKE_UNAVAILABLE', 'Medical data is unavailable right now.'),
    });
    await expect(client.json('POST', '/access-requests', { body: {} })).rejects.toMatchObject({
      status: 503,
      code: 'DATALAKE_UNAVAILABLE',
      detail: 'Medical data is unavailable right now.',
    });
  });

  it('explains an unreachable gateway in plain words', async () => {
    const client = new ApiClient({
      refreshStore: memoryRefreshStore(),
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    await expect(client.json('GET', '/auth/me')).rejects.toMatchObject({
      code: CLIENT_CODES.network,
      detail: expect.stringContaining('cannot be reached'),
    });
  });

  it('sends JSON with the bearer token and no token on anonymous calls', async () => {
    const { network, client } = clientOver({ 'POST /auth/login': { body: {} }, 'POST /x': { status: 204 } });
    await client.json('POST', '/auth/login', { body: { username: 'a' }, anonymous: true });
    await client.json('POST', '/x', { body: { a: 1 } });
    expect(network.calls[0]?.headers.authorization).toBeUndefined();
    expect(network.calls[1]?.headers).toMatchObject({
      authorization: 'Bearer old-access',
      'content-type': 'application/json',
    });
  });
});

describe('withQuery', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(withQuery('/audit/access-log', { patientId: 'p 1', from: undefined, to: '' })).toBe(
      '/audit/access-log?patientId=p+1',
    );
  });
});
