/**
 * Optional OpenID Connect sign-in (openid-client 5: authorisation code flow with PKCE, state and nonce) against
 * an organisation's identity provider, e.g. Keycloak. The provider authenticates; the gateway's own account
 * (created by an admin, enrolled at the CA) is found by a claim (default `preferred_username`) and linked to
 * the provider's subject on first use. Configured by CUSTODIA_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET and
 * _REDIRECT_URI (all four, or none), with CUSTODIA_OIDC_USERNAME_CLAIM and CUSTODIA_OIDC_SCOPE optional.
 */
import { errors as oidcErrors, generators, Issuer } from 'openid-client';
import type { BaseClient } from 'openid-client';
import { IdentityError, invalidCredentials } from './errors';

export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The gateway's callback route, registered at the provider. */
  readonly redirectUri: string;
  /** The ID-token claim that holds the gateway username; default `preferred_username`. */
  readonly usernameClaim: string;
  /** Default `openid profile`. */
  readonly scope: string;
}

const VARIABLES = ['ISSUER', 'CLIENT_ID', 'CLIENT_SECRET', 'REDIRECT_URI'] as const;

/** The OIDC configuration, or undefined when none of its variables is set; OIDC_CONFIG_INVALID when only some are. */
export function readOidcConfig(env: Readonly<Record<string, string | undefined>>): OidcConfig | undefined {
  const values = VARIABLES.map((name) => env[`CUSTODIA_OIDC_${name}`] || undefined);
  if (values.every((value) => value === undefined)) return undefined;
  const [issuer, clientId, clientSecret, redirectUri] = values;
  if (
    issuer === undefined ||
    clientId === undefined ||
    clientSecret === undefined ||
    redirectUri === undefined
  )
    throw new IdentityError(
      'OIDC_CONFIG_INVALID',
      'CUSTODIA_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET and _REDIRECT_URI are set together',
    );
  for (const [name, value] of [
    ['CUSTODIA_OIDC_ISSUER', issuer],
    ['CUSTODIA_OIDC_REDIRECT_URI', redirectUri],
  ] as const)
    if (!URL.canParse(value))
      throw new IdentityError('OIDC_CONFIG_INVALID', `${name} must be an absolute URL`);
  return {
    issuer,
    clientId,
    clientSecret,
    redirectUri,
    usernameClaim: env.CUSTODIA_OIDC_USERNAME_CLAIM || 'preferred_username',
    scope: env.CUSTODIA_OIDC_SCOPE || 'openid profile',
  };
}

/** Who the provider says signed in. */
export interface OidcAccount {
  /** `<issuer> <sub>`: stable and unique across providers. */
  readonly subject: string;
  /** The configured username claim, when present. */
  readonly username?: string;
  /** Authentication methods (RFC 8176 `amr`), e.g. ["pwd","otp"]. */
  readonly methods: readonly string[];
}

export interface OidcStart {
  /** Where to send the browser. */
  readonly authorizationUrl: string;
  /** Keep it with the browser (an HttpOnly cookie) and give it back to `finish`: binds the flow to the browser. */
  readonly state: string;
}

interface Pending {
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly expiresAt: number;
}

export interface OidcLoginOptions {
  /** How long a started sign-in may take; default 10 minutes. */
  readonly pendingTtlMs?: number;
  /** Sign-ins in progress at most; the oldest are dropped. Default 10 000. */
  readonly maxPending?: number;
  readonly now?: () => number;
}

export class OidcLogin {
  private readonly pending = new Map<string, Pending>();
  private readonly pendingTtlMs: number;
  private readonly maxPending: number;
  private readonly now: () => number;

  constructor(
    private readonly client: BaseClient,
    private readonly config: OidcConfig,
    options: OidcLoginOptions = {},
  ) {
    this.pendingTtlMs = options.pendingTtlMs ?? 10 * 60_000;
    this.maxPending = options.maxPending ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Discovers the provider (`/.well-known/openid-configuration`) and registers the client's settings. */
  static async discover(config: OidcConfig, options: OidcLoginOptions = {}): Promise<OidcLogin> {
    let issuer: Issuer;
    try {
      issuer = await Issuer.discover(config.issuer);
    } catch (error) {
      throw new IdentityError(
        'OIDC_UNAVAILABLE',
        'the OpenID provider cannot be reached',
        {},
        { cause: error },
      );
    }
    const client = new issuer.Client({
      client_id: config.clientId,
      client_secret: config.clientSecret,
      redirect_uris: [config.redirectUri],
      response_types: ['code'],
    });
    return new OidcLogin(client, config, options);
  }

  start(): OidcStart {
    const now = this.now();
    for (const [state, pending] of this.pending) if (pending.expiresAt <= now) this.pending.delete(state);
    if (this.pending.size >= this.maxPending) {
      const oldest = this.pending.keys().next();
      if (!oldest.done) this.pending.delete(oldest.value);
    }
    const state = generators.state();
    const nonce = generators.nonce();
    const codeVerifier = generators.codeVerifier();
    this.pending.set(state, { nonce, codeVerifier, expiresAt: now + this.pendingTtlMs });
    const authorizationUrl = this.client.authorizationUrl({
      scope: this.config.scope,
      state,
      nonce,
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { authorizationUrl, state };
  }

  /**
   * Completes a sign-in from the callback URL (path + query as received) and the state kept with the browser.
   * Each started sign-in completes at most once. Throws INVALID_CREDENTIALS for any refusal (provider error,
   * wrong state, bad ID token), OIDC_UNAVAILABLE when the provider cannot be reached.
   */
  async finish(callbackUrl: string, state: string): Promise<OidcAccount> {
    const pending = this.pending.get(state);
    this.pending.delete(state);
    if (!pending || pending.expiresAt <= this.now()) throw invalidCredentials();
    let claims: Record<string, unknown>;
    try {
      const params = this.client.callbackParams(callbackUrl);
      const tokens = await this.client.callback(this.config.redirectUri, params, {
        state,
        nonce: pending.nonce,
        code_verifier: pending.codeVerifier,
      });
      claims = tokens.claims();
      // Providers that keep profile claims out of the ID token serve them at userinfo (its `sub` is checked
      // against the ID token's by openid-client).
      if (claims[this.config.usernameClaim] === undefined && tokens.access_token !== undefined)
        claims = { ...(await this.client.userinfo(tokens)), ...claims };
    } catch (error) {
      if (error instanceof oidcErrors.OPError || error instanceof oidcErrors.RPError)
        throw invalidCredentials(error);
      throw new IdentityError(
        'OIDC_UNAVAILABLE',
        'the OpenID provider cannot be reached',
        {},
        { cause: error },
      );
    }
    const username = claims[this.config.usernameClaim];
    const amr = claims.amr;
    return {
      subject: `${String(claims.iss)} ${String(claims.sub)}`,
      ...(typeof username === 'string' && { username }),
      methods: Array.isArray(amr) ? amr.filter((method): method is string => typeof method === 'string') : [],
    };
  }
}
