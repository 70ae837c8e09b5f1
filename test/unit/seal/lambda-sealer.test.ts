import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { LambdaSealer } from '../../../shared/adapters/aws/lambda-sealer.js';
import { AppError } from '../../../shared/domain/errors.js';

const FUNCTION = 'visitbridge-uk-digest';
const lambda = mockClient(LambdaClient);
const sealer = () => new LambdaSealer(new LambdaClient({}), FUNCTION);
/** A response payload as the SDK types it (a Uint8Array with string helpers the sealer does not use). */
const payload = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as InvokeCommandOutput['Payload'];

const summary = {
  chain: 'audit',
  cell: 'uk',
  seq: 12,
  at: '2026-11-30T14:05:00.000Z',
  keyId: 'arn:aws:kms:eu-west-2:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
  shards: [{ shard: 0, seq: 40, hash: 'b'.repeat(64) }],
  newlySealed: 2,
};

describe('LambdaSealer', () => {
  beforeEach(() => lambda.reset());

  it('invokes the digest function synchronously for the one chain and returns its summary', async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ results: [summary] }) });
    // Act
    const sealed = await sealer().seal('audit');
    // Assess
    expect(sealed).toEqual(summary);
    const inputs = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { FunctionName: FUNCTION, InvocationType: 'RequestResponse', Payload: expect.any(Uint8Array) },
    ]);
    expect(JSON.parse(new TextDecoder().decode(inputs[0]?.Payload as Uint8Array))).toEqual({
      source: 'visitbridge.digest',
      chains: ['audit'],
    });
  });

  it('answers seal-refused with the function’s detail when the chain failed its integrity check', async () => {
    // Prepare
    const detail = 'the ledger was not sealed: shard 2 ends at seq 4, but seq 9 was sealed';
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload({ results: [{ chain: 'ledger', error: { code: 'seal-refused', detail } }] }),
    });
    // Act
    const error = await sealer()
      .seal('ledger')
      .catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'seal-refused', detail });
  });

  it.each([
    [
      'another error code',
      {
        StatusCode: 200,
        Payload: payload({ results: [{ chain: 'ledger', error: { code: 'internal', detail: 'x' } }] }),
      },
    ],
    [
      'a function error',
      { StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorType: 'AppError' }) },
    ],
    ['no result for the chain', { StatusCode: 200, Payload: payload({ results: [summary] }) }],
    ['a payload that is not a response', { StatusCode: 200, Payload: payload('sealed') }],
    ['no payload', { StatusCode: 200 }],
  ] as Array<[string, Omit<InvokeCommandOutput, '$metadata'>]>)(
    'answers storage-unavailable for %s',
    async (_what, response) => {
      // Prepare
      lambda.on(InvokeCommand).resolves(response);
      // Act
      const error = await sealer()
        .seal('ledger')
        .catch((e: unknown) => e);
      // Assess
      expect(error).toMatchObject({ code: 'storage-unavailable' });
    },
  );

  it('turns a failed invocation into storage-unavailable with the cause kept', async () => {
    // Prepare
    const failure = new Error('TooManyRequestsException');
    lambda.on(InvokeCommand).rejects(failure);
    // Act
    const error = await sealer()
      .seal('ledger')
      .catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: 'storage-unavailable', cause: failure });
  });
});
