import { writeFile } from 'node:fs/promises';
import { newWebhookSecret } from '../../infra/local/senders.js';
import { DEMO_SENDER_ID } from '../../infra/local/settings.js';
import type { VisitNoteEvent } from '../../shared/domain/event/schema.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';
import { scanAll } from '../helpers/dynamo.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { signedHeaders, signWebhook } from '../helpers/signing.js';

type Mutable = Record<string, unknown> & VisitNoteEvent;
const P = 'https://visitbridge.dev/problems/';

interface BadCase {
  name: string;
  status: number;
  type: string;
  /** The body to send (signed correctly unless `headers` says otherwise). */
  body?: (base: Mutable) => unknown;
  raw?: string;
  headers?: (secret: string, body: string) => Record<string, string>;
  sender?: string;
  /** A field the problem's `errors` must name. */
  names?: string;
}

const mutate = (fn: (e: Mutable) => void) => (base: Mutable) => {
  const copy = structuredClone(base);
  fn(copy);
  return copy;
};

const CASES: BadCase[] = [
  {
    name: 'body that is not JSON',
    raw: '{"type": "visit.note.finalized",',
    status: 400,
    type: 'invalid-json',
  },
  { name: 'empty body', raw: '', status: 400, type: 'invalid-json' },
  { name: 'JSON array instead of an object', raw: '[]', status: 422, type: 'invalid-event', names: '(root)' },
  {
    name: 'missing type',
    body: mutate((e) => {
      delete (e as Record<string, unknown>).type;
    }),
    status: 422,
    type: 'invalid-event',
    names: 'type',
  },
  {
    name: 'unknown event type',
    body: mutate((e) => {
      (e as Record<string, unknown>).type = 'visit.note.deleted';
    }),
    status: 422,
    type: 'invalid-event',
    names: 'type',
  },
  {
    name: 'missing note',
    body: mutate((e) => {
      delete (e as Record<string, unknown>).note;
    }),
    status: 422,
    type: 'invalid-event',
    names: 'note',
  },
  {
    name: 'note.version 0',
    body: mutate((e) => {
      e.note.version = 0;
    }),
    status: 422,
    type: 'invalid-event',
    names: 'note.version',
  },
  {
    name: 'note.version as a string',
    body: mutate((e) => {
      (e.note as Record<string, unknown>).version = '1';
    }),
    status: 422,
    type: 'invalid-event',
    names: 'note.version',
  },
  {
    name: 'amendment with version 1',
    body: mutate((e) => {
      e.type = 'visit.note.amended';
    }),
    status: 422,
    type: 'invalid-event',
    names: 'note.version',
  },
  {
    name: 'LOINC type that is not a LOINC code',
    body: mutate((e) => {
      e.note.loincType = 'progress-note';
    }),
    status: 422,
    type: 'invalid-event',
    names: 'note.loincType',
  },
  {
    name: 'unsupported note content type',
    body: mutate((e) => {
      (e.note as Record<string, unknown>).contentType = 'text/html';
    }),
    status: 422,
    type: 'invalid-event',
    names: 'note.contentType',
  },
  {
    name: 'empty note text',
    body: mutate((e) => {
      e.note.text = '';
    }),
    status: 422,
    type: 'invalid-event',
    names: 'note.text',
  },
  {
    name: 'note text over 200,000 characters',
    body: mutate((e) => {
      e.note.text = 'x'.repeat(200_001);
    }),
    status: 422,
    type: 'invalid-event',
    names: 'note.text',
  },
  {
    name: 'note id with a slash',
    body: mutate((e) => {
      e.note.id = 'a/b';
    }),
    status: 422,
    type: 'invalid-event',
    names: 'note.id',
  },
  {
    name: 'lower-case residence country',
    body: mutate((e) => {
      e.patient.residenceCountry = 'gb';
    }),
    status: 422,
    type: 'invalid-event',
    names: 'patient.residenceCountry',
  },
  {
    name: 'residence country with no jurisdiction',
    body: mutate((e) => {
      e.patient.residenceCountry = 'ZZ';
    }),
    status: 422,
    type: 'unknown-country',
    names: 'patient.residenceCountry',
  },
  {
    name: 'visit ending before it starts',
    body: mutate((e) => {
      e.visit.end = '2020-01-01T00:00:00Z';
    }),
    status: 422,
    type: 'invalid-event',
    names: 'visit.end',
  },
  {
    name: 'no patient identifiers',
    body: mutate((e) => {
      e.patient.identifiers = [];
    }),
    status: 422,
    type: 'invalid-event',
    names: 'patient.identifiers',
  },
  {
    name: 'identifier system that is not a URI',
    body: mutate((e) => {
      e.patient.identifiers = [{ system: 'nhs', value: '1' }];
    }),
    status: 422,
    type: 'invalid-event',
    names: 'patient.identifiers.0.system',
  },
  {
    name: 'impossible birth date',
    body: mutate((e) => {
      e.patient.birthDate = '1985-02-30';
    }),
    status: 422,
    type: 'invalid-event',
    names: 'patient.birthDate',
  },
  {
    name: 'occurredAt without a time zone',
    body: mutate((e) => {
      e.occurredAt = '2026-11-25T10:15:00';
    }),
    status: 422,
    type: 'invalid-event',
    names: 'occurredAt',
  },
  {
    name: 'LOINC type with a wrong check digit',
    body: mutate((e) => {
      e.note.loincType = '11506-4';
    }),
    status: 422,
    type: 'invalid-coding',
    names: 'note.loincType',
  },
  {
    name: 'SNOMED CT diagnosis with one digit wrong',
    body: mutate((e) => {
      e.diagnoses = [{ system: 'http://snomed.info/sct', code: '363746004' }];
    }),
    status: 422,
    type: 'invalid-coding',
    names: 'diagnoses.0.code',
  },
  {
    name: 'SNOMED CT description id instead of a concept id',
    body: mutate((e) => {
      e.diagnoses = [{ system: 'http://snomed.info/sct', code: '751689013' }];
    }),
    status: 422,
    type: 'invalid-coding',
    names: 'diagnoses.0.code',
  },
  {
    name: 'ICD-10 diagnosis without its dot',
    body: mutate((e) => {
      e.diagnoses = [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'J069' }];
    }),
    status: 422,
    type: 'invalid-coding',
    names: 'diagnoses.0.code',
  },
  {
    name: 'ICD-10-CM diagnosis in lower case',
    body: mutate((e) => {
      e.diagnoses = [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 's72.001a' }];
    }),
    status: 422,
    type: 'invalid-coding',
    names: 'diagnoses.0.code',
  },
  {
    name: 'birth date in the future',
    body: mutate((e) => {
      e.patient.birthDate = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    }),
    status: 422,
    type: 'implausible-date',
    names: 'patient.birthDate',
  },
  {
    name: 'visit before the patient was born',
    body: mutate((e) => {
      e.patient.birthDate = '2026-11-20';
      e.visit.start = '2026-11-01T09:00:00Z';
      e.visit.end = '2026-11-01T09:30:00Z';
      e.occurredAt = '2026-11-01T09:35:00Z';
    }),
    status: 422,
    type: 'implausible-date',
    names: 'visit.start',
  },
  {
    name: 'occurredAt an hour in the future',
    body: mutate((e) => {
      e.occurredAt = new Date(Date.now() + 3_600_000).toISOString();
    }),
    status: 422,
    type: 'implausible-date',
    names: 'occurredAt',
  },
  {
    name: 'visit ending an hour in the future',
    body: mutate((e) => {
      e.visit.end = new Date(Date.now() + 3_600_000).toISOString();
    }),
    status: 422,
    type: 'implausible-date',
    names: 'visit.end',
  },
  {
    name: 'organization unknown to the policy',
    body: mutate((e) => {
      e.organization.id = 'nowhere-clinic';
    }),
    status: 422,
    type: 'unknown-organization',
  },
  {
    name: 'organization the sender may not post for',
    sender: 'limited-sender',
    body: (e) => e,
    status: 403,
    type: 'organization-not-allowed',
  },
  {
    name: 'body over 256 KB',
    raw: `{"pad":"${'x'.repeat(270_000)}"}`,
    status: 413,
    type: 'payload-too-large',
  },
  {
    name: 'content-type text/plain',
    body: (e) => e,
    headers: (s, b) => signedHeaders({ secret: s, body: b, contentType: 'text/plain' }),
    status: 415,
    type: 'unsupported-media-type',
  },
  {
    name: 'no signature headers',
    body: (e) => e,
    headers: () => ({ 'content-type': 'application/json' }),
    status: 400,
    type: 'missing-signature-headers',
  },
  {
    name: 'signature that does not match',
    body: (e) => e,
    headers: (s, b) => ({
      ...signedHeaders({ secret: s, body: b }),
      'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    }),
    status: 401,
    type: 'invalid-signature',
  },
  {
    name: 'signature over a different body',
    body: (e) => e,
    headers: (s) => signedHeaders({ secret: s, body: '{}' }),
    status: 401,
    type: 'invalid-signature',
  },
  {
    name: 'signature with another secret',
    body: (e) => e,
    headers: (_s, b) => signedHeaders({ secret: newWebhookSecret(), body: b }),
    status: 401,
    type: 'invalid-signature',
  },
  {
    name: 'timestamp 10 minutes old',
    body: (e) => e,
    headers: (s, b) =>
      signedHeaders({ secret: s, body: b, timestampSeconds: Math.floor(Date.now() / 1000) - 600 }),
    status: 401,
    type: 'stale-timestamp',
  },
  {
    name: 'timestamp 10 minutes ahead',
    body: (e) => e,
    headers: (s, b) =>
      signedHeaders({ secret: s, body: b, timestampSeconds: Math.floor(Date.now() / 1000) + 600 }),
    status: 401,
    type: 'stale-timestamp',
  },
  { name: 'unknown sender', sender: 'nobody', body: (e) => e, status: 401, type: 'unknown-sender' },
];

describe('bad input through the local stack', () => {
  let stack: TestStack;
  let secret: string;
  const limitedSecret = newWebhookSecret();

  beforeAll(async () => {
    stack = await startTestStack();
    secret = stack.demoSecret.value;
    await writeFile(
      stack.sendersFile,
      JSON.stringify({
        senders: {
          [DEMO_SENDER_ID]: { secrets: [secret] },
          'limited-sender': { secrets: [limitedSecret], organizations: ['charite-berlin'] },
        },
      }),
    );
  });
  afterAll(async () => stack.dispose());

  const itemCount = async () => {
    const counts = await Promise.all(
      stack.cells.map(async (c) => (await scanAll(stack.dynamoClient, c.tableName)).length),
    );
    return counts.reduce((a, b) => a + b, 0);
  };

  it('has at least 20 distinct bad-input cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES)('refuses $name with $status $type and stores nothing', async (c) => {
    // Prepare
    const base = noteEvent({ patient: fixturePatients.uk, noteId: 'bad-input' }) as Mutable;
    const body = c.raw ?? JSON.stringify(c.body?.(base));
    const senderSecret = c.sender === 'limited-sender' ? limitedSecret : secret;
    const headers = c.headers?.(senderSecret, body) ?? signedHeaders({ secret: senderSecret, body });
    const before = await itemCount();
    // Act
    const response = await stack.post('uk', `/v1/webhooks/${c.sender ?? DEMO_SENDER_ID}`, body, headers);
    // Assess
    expect(response.status).toBe(c.status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = await response.json();
    expect(problem).toMatchObject({
      type: `${P}${c.type}`,
      status: c.status,
      title: expect.any(String),
      detail: expect.any(String),
    });
    if (c.names) expect(problem.errors.map((e: { path: string }) => e.path)).toContain(c.names);
    expect(JSON.stringify(problem)).not.toContain(fixturePatients.uk.name.family);
    expect(await itemCount()).toBe(before);
  });

  it('accepts a note signed with either secret during a rotation, and a header carrying several signatures', async () => {
    const next = newWebhookSecret();
    await writeFile(
      stack.sendersFile,
      JSON.stringify({ senders: { [DEMO_SENDER_ID]: { secrets: [secret, next] } } }),
    );
    // The local registry re-reads its file at most once a second.
    await new Promise((r) => setTimeout(r, 1100));
    const body = JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId: 'rotation-1' }));
    const headers = signedHeaders({ secret: next, body });
    const ts = Number(headers['webhook-timestamp']);
    headers['webhook-signature'] =
      `v1,bm90LXRoaXMtb25l ${signWebhook(next, headers['webhook-id'] ?? '', ts, body)}`;

    const response = await stack.post('uk', `/v1/webhooks/${DEMO_SENDER_ID}`, body, headers);

    expect(response.status).toBe(202);
  });
});
