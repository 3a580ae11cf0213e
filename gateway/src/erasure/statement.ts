/**
 * What an erasure erases and what stays on the ledger, and why what stays is no longer personal data: told to the
 * patient before they ask (API, CLI, portal) and written in the README. Each item has a stable code (the portal
 * shows it in the reader's language) and its English text.
 */
export interface StatementItem {
  readonly code: string;
  readonly text: string;
}

export interface ErasureStatement {
  readonly erased: readonly StatementItem[];
  readonly remains: readonly StatementItem[];
  readonly why: string;
}

export const ERASURE_STATEMENT: ErasureStatement = {
  erased: [
    {
      code: 'records',
      text: 'Every record uploaded about you, in every zone and storage location of the data lake (raw, structured, curated, consumer), with its index entries; your own key is destroyed, so copies kept in backups can no longer be decrypted.',
    },
    {
      code: 'access',
      text: 'Every access you granted ends at once: your rules are revoked, live grants are revoked, pending additions are rejected, and nothing new can be requested, uploaded or released for you.',
    },
    {
      code: 'gateway',
      text: 'What this service kept about you: clinicians’ additions, uploads in progress and their history, the reasons clinicians gave when asking for your records, your account, sign-in and sessions.',
    },
    {
      code: 'identity',
      text: 'Your digital identity: its key is deleted and its certificate revoked by your hospital.',
    },
  ],
  remains: [
    {
      code: 'pseudonym',
      text: 'Your pseudonym (a random code such as pt-…) and the fact that it was erased.',
    },
    {
      code: 'log',
      text: 'The ledger’s history: which rules existed and when, who asked for which categories and what was decided, when records were registered and delivered — by pseudonym, category codes, dates and fingerprints (hashes) only.',
    },
    {
      code: 'hashes',
      text: 'Fingerprints (SHA-256 hashes) of records and of clinicians’ reasons; the content and words themselves are deleted.',
    },
  ],
  why: 'The ledger is shared by every hospital and cannot be changed, so its history stays for auditors. It never held your name, birth date, records or anyone’s words: only a random pseudonym, codes, dates and fingerprints. Once the link between the pseudonym and you is deleted (your account, identity and records here), nothing on the ledger can be tied back to you, and the fingerprints cannot be reversed because their content is gone.',
};
