/** Sign-in: password (+ TOTP for auditors, admins and anyone who turned it on), token refresh, MFA setup. */
import { Type } from '@sinclair/typebox';
import type { IdentityService } from '../identity';
import { GatewayError } from '../errors';
import { API_BASE, defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import { caller } from './context';

const TAG = 'auth';
const OIDC_STATE_COOKIE = 'custodia_oidc_state';

/** One cookie's value from a Cookie header. */
export function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
const Code = Type.String({ pattern: '^[0-9]{6}$', description: 'the 6-digit code of the authenticator app' });
const Token = Type.String({ minLength: 16, maxLength: 4096 });

export function authRoutes(identity: IdentityService): RouteDef[] {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/login',
      summary:
        'Sign in; answers MFA_REQUIRED or MFA_SETUP_REQUIRED (with a setup token) when a second factor is due',
      tag: TAG,
      access: 'public',
      schemas: {
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 100 }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
            totp: Type.Optional(Code),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => identity.login(input.body, input.req.ip ?? 'unknown'),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      summary:
        'Exchange a refresh token for new tokens (the old one stops working; reusing it ends the login)',
      tag: TAG,
      access: 'public',
      schemas: { body: Type.Object({ refreshToken: Token }, { additionalProperties: false }) },
      handler: async (input) => identity.refresh(input.body.refreshToken),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      summary: 'End the login the refresh token belongs to',
      tag: TAG,
      access: 'public',
      schemas: { body: Type.Object({ refreshToken: Token }, { additionalProperties: false }) },
      handler: async (input) => {
        await identity.logout(input.body.refreshToken);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/setup',
      summary: 'Start TOTP setup with the setup token from MFA_SETUP_REQUIRED: the secret, shown once',
      tag: TAG,
      access: 'public',
      schemas: { body: Type.Object({ setupToken: Token }, { additionalProperties: false }) },
      handler: async (input) => identity.setupTotp(await identity.verifyMfaSetupToken(input.body.setupToken)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/confirm',
      summary: 'Confirm TOTP setup with a first code; signs in',
      tag: TAG,
      access: 'public',
      schemas: { body: Type.Object({ setupToken: Token, code: Code }, { additionalProperties: false }) },
      handler: async (input) =>
        identity.confirmTotp(
          await identity.verifyMfaSetupToken(input.body.setupToken),
          input.body.code,
          input.req.ip ?? 'unknown',
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/auth/oidc/login',
      summary: 'Sign in at the configured OpenID Connect provider (redirect); 404 when none is configured',
      tag: TAG,
      access: 'public',
      status: 302,
      schemas: {},
      handler: async (input) => {
        const start = identity.oidcStart();
        input.res
          .cookie(OIDC_STATE_COOKIE, start.state, {
            httpOnly: true,
            sameSite: 'lax',
            secure: input.req.secure,
            maxAge: 10 * 60_000,
            path: `${API_BASE}/auth/oidc`,
          })
          .redirect(302, start.authorizationUrl);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/oidc/callback',
      summary: 'The provider sends the browser back here: answers the Custodia tokens of the linked account',
      tag: TAG,
      access: 'public',
      schemas: {
        query: Type.Object(
          {
            code: Type.Optional(Type.String({ maxLength: 4096 })),
            state: Type.Optional(Type.String({ maxLength: 512 })),
            iss: Type.Optional(Type.String({ maxLength: 1024 })),
            session_state: Type.Optional(Type.String({ maxLength: 1024 })),
            error: Type.Optional(Type.String({ maxLength: 256 })),
            error_description: Type.Optional(Type.String({ maxLength: 1024 })),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const state = cookie(input.req.headers.cookie, OIDC_STATE_COOKIE);
        if (state === undefined)
          throw new GatewayError('UNAUTHENTICATED', 'the sign-in expired; start again');
        input.res.clearCookie(OIDC_STATE_COOKIE, { path: `${API_BASE}/auth/oidc` });
        const callbackUrl = `${input.req.protocol}://${input.req.get('host') ?? 'localhost'}${input.req.originalUrl}`;
        return identity.oidcCallback(callbackUrl, state, input.req.ip ?? 'unknown');
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/me',
      summary: 'The signed-in user',
      tag: TAG,
      schemas: {},
      handler: async (input) => identity.getUser(caller(input).userId),
    }),
  ];
}
