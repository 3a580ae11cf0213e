/** Wires the identity service from its stores under the gateway's data directory. */
import type { ConnectionProfile, Wallet } from '@custodia/ledger';
import { caEndpoints, Enrolment } from './enrolment';
import { LoginThrottle } from './login-throttle';
import type { LoginThrottleOptions } from './login-throttle';
import { OidcLogin } from './oidc';
import type { OidcConfig } from './oidc';
import { PasswordHasher } from './password';
import type { Registrars } from './registrars';
import { SecretBox } from './secret-box';
import type { PasswordHasherOptions } from './password';
import { IdentityService } from './service';
import type { IdentityLogger } from './service';
import { TokenService } from './token-service';
import type { TokenServiceOptions } from './token-service';
import { Totp } from './totp';
import { UserStore } from './user-store';

export interface IdentityServiceOptions {
  /** The gateway's data directory: `users/`, `keys/`, `sessions/` go here. */
  readonly dataDir: string;
  /** The organisations' CAs are read from it. */
  readonly profile: ConnectionProfile;
  /** Each organisation's registrar at its CA (see readRegistrars). */
  readonly registrars: Registrars;
  /** Shared with the data lake, which signs as the user with the same identities. */
  readonly wallet: Wallet;
  /** OpenID Connect sign-in (see readOidcConfig); the provider is discovered at start. */
  readonly oidc?: OidcConfig;
  readonly logger?: IdentityLogger;
  /** Shown in authenticator apps; default "Custodia". */
  readonly issuer?: string;
  readonly passwords?: PasswordHasherOptions;
  readonly throttle?: LoginThrottleOptions;
  readonly tokens?: TokenServiceOptions;
  /** For CUSTODIA_GATEWAY_SECRET_KEY; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
}

export async function openIdentityService(options: IdentityServiceOptions): Promise<IdentityService> {
  const now = options.now ?? Date.now;
  const secrets = await SecretBox.open(options.dataDir, options.env ?? process.env);
  return new IdentityService({
    users: await UserStore.open(options.dataDir, secrets),
    passwords: new PasswordHasher(options.passwords),
    totp: new Totp({ issuer: options.issuer ?? 'Custodia', now }),
    throttle: new LoginThrottle({ now, ...options.throttle }),
    tokens: await TokenService.open(options.dataDir, { now, ...options.tokens }),
    secrets,
    enrolment: new Enrolment(caEndpoints(options.profile), options.registrars, options.wallet),
    wallet: options.wallet,
    ...(options.oidc && { oidc: await OidcLogin.discover(options.oidc, { now }) }),
    ...(options.logger && { logger: options.logger }),
    now,
  });
}
