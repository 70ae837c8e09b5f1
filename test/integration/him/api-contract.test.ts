import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { DEMO_SENDER_ID } from '../../../infra/local/settings.js';
import { fixturePatients, noteEvent } from '../../fixtures/notes.js';
import { startTestStack, type TestStack } from '../../helpers/local-stack.js';
import { signedHeaders } from '../../helpers/signing.js';
import { himClient, park, postNote } from './helpers.js';

type Media = Record<string, { schema?: { $ref?: string } }>;
interface Operation {
  operationId: string;
  requestBody?: { required: boolean };
  responses: Record<string, { content?: Media }>;
}
interface Served {
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
}

/** Request bodies for the operations that need one; every other operation is called without. */
/** A ledger entry's position, for the review operations (set once the stack holds one). */
let ref = '';
/** The legal hold `placeHold` placed, which `releaseHold` (later in the document) releases. */
let holdId = '';
const BODIES: Record<string, () => unknown> = {
  replayParkedDeliveries: () => ({ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z', dryRun: true }),
  // Flagged first, so that resolving it (a later operation in the document) applies.
  markReviews: () => ({ refs: [ref], state: 'flagged', comment: 'contract check' }),
  resolveReview: () => ({ comment: 'resolved in the contract check' }),
  // A patient whose one note is delivered: nothing blocks the erasure the later operations execute.
  fileErasure: () => ({ patient: ERASED.identifiers[0] }),
  reportDisclosures: () => ({
    patient: fixturePatients.uk.identifiers[0],
    from: '2026-01-01',
    to: new Date().toISOString().slice(0, 10),
    purpose: 'patient-request',
  }),
  placeHold: () => ({
    scope: 'patient',
    patient: fixturePatients.uk.identifiers[0],
    reason: 'Matter contract',
  }),
};
/** The patient the erasure operations act on, and the request they share (set by fileErasure). */
const ERASED = {
  ...fixturePatients.uk,
  identifiers: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765873' }],
};
let erasureId = '';
/** Required query strings of HIM operations. */
const QUERIES: Record<string, string> = {
  viewNote: '?purpose=treatment',
  downloadEvidencePack: '?from=2026-11-01&to=2026-11-30',
};

let stack: TestStack;
let served: Served;
let ajv: Ajv2020;
const noteId = 'contract-1';

beforeAll(async () => {
  stack = await startTestStack();
  await postNote(stack, 'uk', noteId);
  await park(stack, 'uk', noteId, '2026-11-20T10:00:00.000Z');
  // A note written by a clinician in Germany: an inbound movement, so the ledger has an entry to review.
  const inbound = JSON.stringify(
    noteEvent({ patient: fixturePatients.uk, noteId: 'contract-inbound', clinicianCountry: 'DE' }),
  );
  await stack.post(
    'uk',
    `/v1/webhooks/${DEMO_SENDER_ID}`,
    inbound,
    signedHeaders({ secret: stack.demoSecret.value, body: inbound }),
  );
  const ledger = await (await himClient(stack)('uk', 'GET', 'ledger', { roles: ['him-reviewer'] })).json();
  ref = `${ledger.entries[0]?.shard}:${ledger.entries[0]?.seq}`;
  const erased = JSON.stringify(noteEvent({ patient: ERASED, noteId: 'contract-erased' }));
  await stack.post(
    'uk',
    `/v1/webhooks/${DEMO_SENDER_ID}`,
    erased,
    signedHeaders({ secret: stack.demoSecret.value, body: erased }),
  );
  await stack.idle();
  served = (await (await fetch(`${stack.url}/openapi.json`)).json()) as Served;
  ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  ajv.addKeyword('components');
  ajv.addSchema({ $id: 'https://visitbridge.dev/openapi.json', components: served.components });
});
afterAll(() => stack.dispose());

/** The validator of a documented body schema (`$ref` into the served document's components). */
const validatorOf = (schema: { $ref?: string } | undefined): ValidateFunction =>
  ajv.compile(schema?.$ref ? { $ref: `https://visitbridge.dev/openapi.json${schema.$ref}` } : (schema ?? {}));

/** Where the webhook's receipt says the new note's delivery status is. */
let statusUrl = '';

/** Calls an operation as its client would: HIM calls as a user with every role, the webhook signed. */
async function call(method: string, path: string, op: Operation): Promise<Response> {
  const concrete = path
    .replace('{senderId}', DEMO_SENDER_ID)
    .replace('{noteId}', noteId)
    .replace('{version}', '1')
    .replace('{ref}', ref)
    .replace('{erasureId}', erasureId)
    .replace('{holdId}', holdId);
  const url = `${served.servers[0]?.url}${concrete}${QUERIES[op.operationId] ?? ''}`;
  if (path.startsWith('/v1/him/')) {
    const make = BODIES[op.operationId];
    const body = make === undefined ? undefined : JSON.stringify(make());
    if (op.requestBody?.required && body === undefined)
      throw new Error(`give ${op.operationId} a body in BODIES`);
    const roles = ['him-reviewer', 'privacy-officer', 'integration-admin'] as const;
    const token = await stack.devIssuer.mint({ user: 'cora', roles: [...roles], country: 'GB' });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const res = await fetch(url, { method, headers, ...(body ? { body } : {}) });
    if (op.operationId === 'fileErasure' && res.status === 201)
      erasureId = (await res.clone().json()).erasureId;
    if (op.operationId === 'placeHold' && res.status === 201) holdId = (await res.clone().json()).holdId;
    return res;
  }
  if (op.operationId === 'getDeliveryStatus') return fetch(statusUrl);
  if (method !== 'POST') return fetch(url);
  // The webhook accepts a new note; the forwarded route refuses the demo sender's signature.
  const raw = JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId: 'contract-2' }));
  const res = await fetch(url, {
    method,
    body: raw,
    headers: signedHeaders({ secret: stack.demoSecret.value, body: raw }),
  });
  if (res.status === 202) statusUrl = (await res.clone().json()).deliveryStatusUrl;
  return res;
}

describe('the served OpenAPI against the running cell', () => {
  it('names the cells at the address it was fetched from', () => {
    expect(served.servers.map((s) => s.url)).toContain(`${stack.url}/uk`);
  });

  it('documents the status, media type and body of what every operation answers, HIM calls succeeding', async () => {
    // Act
    const mismatches: string[] = [];
    const himRefusals: string[] = [];
    for (const [path, methods] of Object.entries(served.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const res = await call(method.toUpperCase(), path, op);
        const documented = op.responses[String(res.status)];
        const type = (res.headers.get('content-type') ?? '').split(';')[0] ?? '';
        const media = documented?.content?.[type];
        const text = await res.text();
        if (path.startsWith('/v1/him/') && res.status >= 300) himRefusals.push(`${op.operationId}: ${text}`);
        if (!documented || (documented.content && !media)) {
          mismatches.push(`${op.operationId}: ${res.status} ${type} is not documented`);
        } else if (type.endsWith('json') && media) {
          const validate = validatorOf(media.schema);
          if (!validate(JSON.parse(text)))
            mismatches.push(`${op.operationId}: ${res.status} body ${ajv.errorsText(validate.errors)}`);
        }
      }
    }
    // Assess
    expect(mismatches).toEqual([]);
    expect(himRefusals).toEqual([]);
  });
});
