import { Writable } from 'node:stream';
import { createLogger } from './logging';

describe('createLogger', () => {
  it('redacts credentials and personal fields that reach a log call by mistake', () => {
    const lines: string[] = [];
    const logger = createLogger(
      { name: 'test' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    logger.info(
      {
        user: { userId: 'u-1', displayName: 'Anna Keller', password: 'hunter2-hunter2' },
        patient: { birthDate: '1984-02-29' },
        req: { headers: { authorization: 'Bearer abc.def.ghi' } },
      },
      'event',
    );
    const [line = ''] = lines;
    expect(line).toContain('u-1');
    for (const secret of ['Anna Keller', 'hunter2', '1984-02-29', 'abc.def.ghi'])
      expect(line).not.toContain(secret);
  });
});
