import { createHash } from 'node:crypto';
import { newReasonSalt, reasonHash, reasonMatches } from './reason-hash';

describe('reason hashes', () => {
  it('is SHA-256 of the salt then the UTF-8 text, which anyone holding both can recompute', () => {
    const salt = Buffer.from('00ff'.repeat(16), 'hex');
    const text = 'Patient unresponsive after a fall, no relatives reachable.';
    const expected = createHash('sha256')
      .update(Buffer.concat([salt, Buffer.from(text, 'utf8')]))
      .digest('hex');
    expect(reasonHash(salt, text)).toBe(expected);
    expect(reasonMatches(salt, text, expected)).toBe(true);
  });

  it('gives two hashes for the same words under two salts, so a guessed reason cannot be matched on-chain', () => {
    const text = 'follow-up';
    expect(reasonHash(newReasonSalt(), text)).not.toBe(reasonHash(newReasonSalt(), text));
  });

  it('refuses other words, another salt and a malformed hash', () => {
    const salt = newReasonSalt();
    const hash = reasonHash(salt, 'chest pain, suspected infarction');
    expect(reasonMatches(salt, 'chest pain, suspected infarction.', hash)).toBe(false);
    expect(reasonMatches(newReasonSalt(), 'chest pain, suspected infarction', hash)).toBe(false);
    expect(reasonMatches(salt, 'chest pain, suspected infarction', 'abc')).toBe(false);
  });
});
