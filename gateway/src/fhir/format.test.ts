import { GatewayError } from '../errors';
import { negotiate } from './format';

function refused(format: string | undefined, accept: string | undefined): boolean {
  try {
    negotiate(format, accept);
    return false;
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'NOT_ACCEPTABLE') return true;
    throw error;
  }
}

describe('FHIR content negotiation', () => {
  it('answers JSON for the JSON formats, however they are written', () => {
    for (const format of ['json', 'application/json', 'application/fhir+json', 'application/fhir json'])
      expect(refused(format, 'application/fhir+xml')).toBe(false);
    for (const accept of [undefined, '*/*', 'application/fhir+json', 'text/html, application/json;q=0.5'])
      expect(refused(undefined, accept)).toBe(false);
  });

  it('refuses XML, Turtle and an Accept that admits no JSON with 406', () => {
    for (const format of ['xml', 'application/fhir+xml', 'ttl', 'html'])
      expect(refused(format, undefined)).toBe(true);
    expect(refused(undefined, 'application/fhir+xml')).toBe(true);
    expect(refused(undefined, 'application/fhir+json;q=0')).toBe(true);
  });
});
