import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { LambdaDocumentSigner } from '../../../shared/adapters/aws/lambda-document-signer.js';

const FUNCTION = 'visitbridge-uk-digest';
const lambda = mockClient(LambdaClient);
const signer = () => new LambdaDocumentSigner(new LambdaClient({}), FUNCTION, async () => 'PEM');
const payload = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as InvokeCommandOutput['Payload'];
const signature = {
  alg: 'ECDSA_SHA_256',
  keyId: 'arn:aws:kms:eu-west-2:111122223333:key/k',
  signature: 'MEUCIQ==',
};

describe('LambdaDocumentSigner', () => {
  beforeEach(() => lambda.reset());

  it('asks the digest function to sign the document’s kind and bytes and returns its signature', async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ signature }) });
    // Act
    const signed = await signer().sign('evidence-manifest', new TextEncoder().encode('{"a":1}'));
    // Assess
    expect(signed).toEqual(signature);
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: FUNCTION, InvocationType: 'RequestResponse' });
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual({
      source: 'visitbridge.digest',
      sign: { kind: 'evidence-manifest', bytes: Buffer.from('{"a":1}').toString('base64') },
    });
  });

  it.each([
    ['the function fails', { StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({}) }],
    ['the answer has no signature', { StatusCode: 200, Payload: payload({ results: [] }) }],
  ])('answers storage-unavailable when %s', async (_what, output) => {
    // Prepare
    lambda.on(InvokeCommand).resolves(output);
    // Act
    const error = await signer()
      .sign('evidence-manifest', new Uint8Array([1]))
      .catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: 'storage-unavailable' });
  });
});
