/**
 * The e-mail a patient receives when a clinician used emergency access ("break the glass") to their record. It says
 * what happened, when and by which organisation, and where to see the details — never the reason text, the data
 * released, or anything medical (e-mail crosses systems Custodia does not control).
 */
import type { MailMessage } from './mailer';

export interface EmergencyAccessFacts {
  /** The patient's address. */
  readonly to: string;
  /** When the access was granted (the ledger's transaction time). */
  readonly at: Date;
  /** The requester's organisation, as the network names it (MSP id) and its country. */
  readonly organisation: string;
  readonly country: string;
  /** Where the patient signs in to see the access log. */
  readonly portalUrl: string;
}

export function emergencyAccessNotice(facts: EmergencyAccessFacts): MailMessage {
  const when = `${facts.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return {
    to: facts.to,
    subject: 'Custodia: your health record was opened in an emergency',
    text: [
      `On ${when}, a clinician of ${facts.organisation} (${facts.country}) used emergency access to your health record, as your emergency policy allows.`,
      '',
      `Sign in to Custodia to see who it was, which parts of your record were shared and for how long: ${facts.portalUrl}`,
      '',
      'If you did not expect this, tell the data protection officer of your hospital. You can change your emergency policy at any time.',
    ].join('\n'),
  };
}
