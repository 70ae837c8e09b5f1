import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The published event schema, as a consumer downloads it. */
const schema = JSON.parse(
  readFileSync(new URL('../../schemas/visit-note-event.v1.schema.json', import.meta.url), 'utf8'),
);

/** The sample event of the webhook contract, as docs/webhook-contract.md publishes it (the design's sample). */
function contractSample(): Record<string, unknown> {
  const contract = readFileSync(new URL('../../docs/webhook-contract.md', import.meta.url), 'utf8');
  const section = contract.slice(contract.indexOf('## Request'));
  const block = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  if (!block) throw new Error('docs/webhook-contract.md has no JSON sample under "Request"');
  return JSON.parse(block);
}

function validator() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe('published visit-note event JSON Schema', () => {
  it('compiles in Ajv strict mode, draft 2020-12, with a fragment-free $id', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).not.toContain('#');
    expect(validator()).toBeInstanceOf(Function);
  });

  it('accepts the sample event of the webhook contract', () => {
    // Prepare
    const validate = validator();
    // Act
    const valid = validate(contractSample());
    // Assess
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('rejects the sample with a lower-case country and no note text, naming both fields', () => {
    // Prepare
    const validate = validator();
    const sample = contractSample() as {
      patient: Record<string, unknown>;
      note: Record<string, unknown>;
    };
    sample.patient.residenceCountry = 'gb';
    delete sample.note.text;
    // Act
    const valid = validate(sample);
    // Assess
    expect(valid).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.keyword}`).sort()).toEqual([
      '/note required',
      '/patient/residenceCountry pattern',
    ]);
  });
});
