/**
 * The emergency card a patient carries (printed or as a QR code): a code that names the patient's
 * pseudonymous id and is signed by this gateway, so a clinician who scans it finds the patient without
 * typing — and a made-up code finds no one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const TAG_BYTES = 12;

export class EmergencyCards {
  constructor(private readonly secret: Buffer) {}

  private tag(patientId: string): Buffer {
    return createHmac('sha256', this.secret)
      .update(`custodia-card\u0000${patientId}`)
      .digest()
      .subarray(0, TAG_BYTES);
  }

  codeFor(patientId: string): string {
    return `${Buffer.from(patientId, 'utf8').toString('base64url')}.${this.tag(patientId).toString('base64url')}`;
  }

  /** The patient id a genuine code names; undefined for anything else. */
  patientOf(code: string): string | undefined {
    const match = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{16})$/.exec(code.trim());
    if (match === null) return undefined;
    const patientId = Buffer.from(match[1] ?? '', 'base64url').toString('utf8');
    const given = Buffer.from(match[2] ?? '', 'base64url');
    const expected = this.tag(patientId);
    return given.length === expected.length && timingSafeEqual(given, expected) ? patientId : undefined;
  }
}
