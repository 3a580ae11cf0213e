/**
 * The platform's logger: pino, structured, identifiers only. Code never logs names, birth dates or record
 * content; these redact paths are the backstop should an object carrying them reach a log call.
 */
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.totp',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.setupToken',
  '*.displayName',
  '*.username',
  '*.email',
  '*.person',
  '*.birthDate',
  '*.address',
  '*.telecom',
  '*.resource',
  '*.content',
  '*.body',
] as const;

export function createLogger(
  options: { name: string; level?: string },
  destination?: DestinationStream,
): Logger {
  const settings = {
    name: options.name,
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  };
  return destination === undefined ? pino(settings) : pino(settings, destination);
}
