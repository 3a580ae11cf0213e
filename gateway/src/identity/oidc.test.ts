import { readOidcConfig } from './oidc';

const complete = {
  CUSTODIA_OIDC_ISSUER: 'https://keycloak.example/realms/hospital-de',
  CUSTODIA_OIDC_CLIENT_ID: 'custodia',
  CUSTODIA_OIDC_CLIENT_SECRET: 'secret',
  CUSTODIA_OIDC_REDIRECT_URI: 'https://custodia.example/api/v1/auth/oidc/callback',
};

describe('OIDC configuration', () => {
  it('is off without variables, and takes defaults for the claim and scope', () => {
    expect(readOidcConfig({})).toBeUndefined();
    expect(readOidcConfig(complete)).toEqual({
      issuer: complete.CUSTODIA_OIDC_ISSUER,
      clientId: 'custodia',
      clientSecret: 'secret',
      redirectUri: complete.CUSTODIA_OIDC_REDIRECT_URI,
      usernameClaim: 'preferred_username',
      scope: 'openid profile',
    });
    expect(readOidcConfig({ ...complete, CUSTODIA_OIDC_USERNAME_CLAIM: 'email' })?.usernameClaim).toBe(
      'email',
    );
  });

  it('refuses an incomplete or malformed configuration', () => {
    expect(() => readOidcConfig({ ...complete, CUSTODIA_OIDC_CLIENT_SECRET: '' })).toThrow(
      expect.objectContaining({ code: 'OIDC_CONFIG_INVALID' }),
    );
    expect(() => readOidcConfig({ ...complete, CUSTODIA_OIDC_ISSUER: 'not a url' })).toThrow(
      expect.objectContaining({ code: 'OIDC_CONFIG_INVALID' }),
    );
  });
});
