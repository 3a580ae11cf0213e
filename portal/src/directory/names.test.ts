import { NameBook, partyKey } from './names';
import type { PartyRef } from './names';

describe('the name book', () => {
  it('asks once per party, remembers names, and leaves ids without a name as ids', async () => {
    const asked: string[][] = [];
    const book = new NameBook(async (parties) => {
      asked.push(parties.map(partyKey));
      return parties.map((party) =>
        party.id === 'clin-weber' ? { ...party, name: 'Dr. Jonas Weber' } : { ...party },
      );
    });
    const weber = { mspId: 'HospitalDEMSP', id: 'clin-weber' };
    const patient = { mspId: 'HospitalDEMSP', id: 'pt-aaaaaaaaaaaaaaaaaaaaaaaaaa' };
    expect(await book.learn([weber, patient, weber])).toBe(true);
    expect(await book.learn([weber, patient])).toBe(false);
    expect(asked).toEqual([['HospitalDEMSP/clin-weber', `HospitalDEMSP/${patient.id}`]]);
    expect(book.directory().practitioner('HospitalDEMSP', 'clin-weber')).toBe('Dr. Jonas Weber');
    expect(book.nameOf(patient)).toBeUndefined();
  });

  it('a second view asking while the first question is on its way waits for the same answer', async () => {
    let answer: () => void = () => undefined;
    const book = new NameBook(
      (parties) =>
        new Promise((resolve) => {
          answer = () => resolve(parties.map((party) => ({ ...party, name: 'Klinikum' })));
        }),
    );
    const first = book.learn([{ mspId: 'HospitalDEMSP' }]);
    const second = book.learn([{ mspId: 'HospitalDEMSP' }]);
    answer();
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(book.directory().organisation('HospitalDEMSP')).toBe('Klinikum');
  });

  it('asks in batches the gateway accepts, and survives a failed request', async () => {
    const sizes: number[] = [];
    const book = new NameBook(async (parties) => {
      sizes.push(parties.length);
      if (sizes.length === 1) throw new Error('offline');
      return parties.map((party) => ({ ...party, name: `name of ${party.mspId}` }));
    });
    const parties: PartyRef[] = Array.from({ length: 450 }, (_, n) => ({ mspId: `Org${n}MSP` }));
    await book.learn(parties);
    expect(sizes).toEqual([200, 200, 50]);
    expect(book.directory().organisation('Org0MSP')).toBeUndefined();
    expect(book.directory().organisation('Org449MSP')).toBe('name of Org449MSP');
  });
});
