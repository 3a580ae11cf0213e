/** Sign-in: password (+ TOTP for auditors, admins and anyone who turned it on), token refresh, MFA setup. */
import { Type } from '@sinclair/typebox';
import type { IdentityService } from '../identity';
import { defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import { caller } from './context';

const TAG = 'auth';
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
        identity.confirmTotp(await identity.verifyMfaSetupToken(input.body.setupToken), input.body.code),
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
