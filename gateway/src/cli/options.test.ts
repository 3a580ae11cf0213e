import { gatewayUrl, parseBlockNumber, parseList, parsePositiveInt, signInFrom, UsageError } from './options';

describe('global options', () => {
  it('takes the URL from --url, then CUSTODIA_URL, then the local default', () => {
    expect(gatewayUrl({ url: 'https://gw.example/' }, { CUSTODIA_URL: 'http://other:1' })).toBe(
      'https://gw.example',
    );
    expect(gatewayUrl({}, { CUSTODIA_URL: 'http://gw:9000' })).toBe('http://gw:9000');
    expect(gatewayUrl({}, {})).toBe('http://localhost:8080');
    expect(() => gatewayUrl({ url: 'ftp://gw' }, {})).toThrow(UsageError);
    expect(() => gatewayUrl({ url: 'not a url' }, {})).toThrow(UsageError);
  });

  it('signs in with options first, then the environment, then an access token', () => {
    expect(signInFrom({ user: 'centre.berlin', password: 'pw' }, { CUSTODIA_TOTP: '123456' })).toEqual({
      kind: 'password',
      username: 'centre.berlin',
      password: 'pw',
      totp: '123456',
    });
    expect(signInFrom({}, { CUSTODIA_USER: 'auditor', CUSTODIA_PASSWORD: 'pw' })).toEqual({
      kind: 'password',
      username: 'auditor',
      password: 'pw',
    });
    expect(signInFrom({}, { CUSTODIA_TOKEN: 'jwt' })).toEqual({ kind: 'token', token: 'jwt' });
  });

  it('explains how to sign in when nothing is given, without echoing anything given', () => {
    try {
      signInFrom({ user: 'anna' }, {});
      throw new Error('expected a usage error');
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).code).toBe('MISSING_CREDENTIALS');
    }
  });
});

describe('value parsers', () => {
  it('reads comma lists trimmed and without repeats', () => {
    expect(parseList('allergies, results,,allergies')).toEqual(['allergies', 'results']);
    expect(() => parseList(' , ')).toThrow(UsageError);
  });

  it('reads positive whole numbers and block numbers', () => {
    expect(parsePositiveInt('8')).toBe(8);
    expect(() => parsePositiveInt('0')).toThrow(UsageError);
    expect(() => parsePositiveInt('2.5')).toThrow(UsageError);
    expect(() => parsePositiveInt('1e3')).toThrow(UsageError);
    expect(parseBlockNumber('0')).toBe(0);
    expect(parseBlockNumber('12')).toBe(12);
  });
});
