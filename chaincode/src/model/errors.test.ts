import { ChaincodeError, parseChaincodeError } from './errors';

describe('chaincode errors', () => {
  it('carry their code and reason as a JSON message that parses back', () => {
    const error = new ChaincodeError('FORBIDDEN', 'only the patient may change their rules');
    expect(JSON.parse(error.message)).toEqual({
      code: 'FORBIDDEN',
      message: 'only the patient may change their rules',
    });
    expect(parseChaincodeError(error.message)).toEqual({
      code: 'FORBIDDEN',
      message: 'only the patient may change their rules',
    });
  });

  it('are found inside the wrappers peers and gateways add', () => {
    const body = new ChaincodeError('NOT_FOUND', 'rule {x} not found').message;
    expect(parseChaincodeError(`chaincode response 500, ${body}`)).toEqual({
      code: 'NOT_FOUND',
      message: 'rule {x} not found',
    });
    expect(
      parseChaincodeError(
        `10 ABORTED: failed to endorse transaction, see attached details for more info: ${body} (tx 1)`,
      )?.code,
    ).toBe('NOT_FOUND');
  });

  it('are not invented from other messages', () => {
    expect(parseChaincodeError('Expected 3 parameters, but 2 have been supplied')).toBeUndefined();
    expect(parseChaincodeError('{"code":"TEAPOT","message":"x"}')).toBeUndefined();
    expect(parseChaincodeError('{"code":"FORBIDDEN"')).toBeUndefined();
  });
});
