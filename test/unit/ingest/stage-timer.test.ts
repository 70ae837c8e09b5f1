import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { IngestDeps } from '../../../functions/ingest/accept-note.js';
import { makeIngestHandler, WEBHOOK_ROUTE } from '../../../functions/ingest/handler-factory.js';
import {
  type IngestStage,
  type StageTimer,
  timed,
  timedIngestDeps,
  timedMiddleware,
} from '../../../functions/ingest/stage-timer.js';
import { localContext } from '../../../infra/local/api-gateway.js';
import { HmacPseudonymizer } from '../../../shared/adapters/crypto/hmac-pseudonymizer.js';
import { loadPolicy } from '../../../shared/config/load-policy.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { HttpEvent } from '../../../shared/http/apigw.js';
import type { AcceptRequest } from '../../../shared/ports/note-store.js';
import { fixturePatients, noteEvent } from '../../fixtures/notes.js';
import { signedHeaders } from '../../helpers/signing.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

function recorder() {
  const calls: Array<[IngestStage, number]> = [];
  const timer: StageTimer = (stage, ms) => calls.push([stage, ms]);
  const stages = () => calls.map(([stage]) => stage);
  return { calls, timer, stages };
}

/** Use-case ports that answer at once: what is under test is the timing around them. */
function fakeIngestDeps(): IngestDeps & { accepted: AcceptRequest[] } {
  const accepted: AcceptRequest[] = [];
  return {
    accepted,
    cell: 'uk',
    policy: loadPolicy('policy/default-policy.json'),
    store: {
      accept: async (request) => {
        accepted.push(request);
        return { status: 'accepted', receipt: request.record.receipt };
      },
      deliveryStatus: async () => undefined,
    },
    encryptor: {
      encrypt: async () => ({
        ciphertext: new Uint8Array([1, 2, 3]),
        keyId: 'local:cell-uk',
        patientKeyId: 'pk-1',
      }),
      decrypt: async () => {
        throw new AppError('ciphertext-mismatch', 'not used here');
      },
    },
    pseudonymizer: new HmacPseudonymizer(randomBytes(32)),
    clock: { now: () => new Date() },
    publicBaseUrl: 'https://uk.example/',
    cellEndpoints: { uk: 'https://uk.example/' },
    misrouted: async () => {
      throw new AppError('internal', 'not used here');
    },
    inboundMovements: async () => [],
  };
}

function handlerWith(ingest: IngestDeps, stageTimer?: StageTimer) {
  const senders = { get: async (id: string) => ({ id, secrets: [SECRET] }) };
  return makeIngestHandler({
    ingest,
    senders,
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    maxBodyBytes: 256 * 1024,
    forwarded: { senders, ingest },
    stageTimer,
  });
}

function webhookEvent(body: string, headers: Record<string, string>): HttpEvent {
  return {
    routeKey: WEBHOOK_ROUTE,
    headers,
    pathParameters: { senderId: 'acme' },
    requestContext: { requestId: 'req-1' },
    body,
    isBase64Encoded: false,
  } as unknown as HttpEvent;
}

describe('timed', () => {
  it('returns what a synchronous stage returns and reports its duration once', () => {
    const { calls, timer } = recorder();

    const value = timed(timer, 'hashing', () => 'digest');

    expect(value).toBe('digest');
    expect(calls).toEqual([['hashing', expect.any(Number)]]);
    expect(calls[0]?.[1]).toBeGreaterThanOrEqual(0);
  });

  it('reports an asynchronous stage only once it settles, and passes its rejection through', async () => {
    const { stages, timer } = recorder();
    let fail: (error: Error) => void = () => undefined;
    const pending = timed(timer, 'transaction', () => new Promise((_, reject) => (fail = reject)));
    expect(stages()).toEqual([]);

    fail(new Error('cancelled'));

    await expect(pending).rejects.toThrow('cancelled');
    expect(stages()).toEqual(['transaction']);
  });
});

describe('timedMiddleware', () => {
  it('times before and after as the stage and leaves onError untouched', async () => {
    const { stages, timer } = recorder();
    const onError = async () => undefined;
    const middleware = timedMiddleware(timer, 'logger context', {
      before: async () => undefined,
      after: async () => undefined,
      onError,
    });

    await middleware.before?.({} as never);
    await middleware.after?.({} as never);

    expect(stages()).toEqual(['logger context', 'logger context']);
    expect(middleware.onError).toBe(onError);
  });
});

describe('timedIngestDeps', () => {
  it("reports each port call under its stage and returns the port's own answer", async () => {
    const { stages, timer } = recorder();
    const deps = fakeIngestDeps();
    const timedDeps = timedIngestDeps(deps, timer);

    const hash = timedDeps.pseudonymizer.hash('body', 'x');
    const sealed = await timedDeps.encryptor.encrypt(
      noteEvent({ patient: fixturePatients.uk, noteId: 'n' }),
      {
        cell: 'uk',
        tenant: 'st-marys-trust',
        senderId: 'acme',
        noteId: 'n',
        version: 1,
        patientRef: 'pt_stage_timer_000000',
      },
    );

    expect(hash).toBe(deps.pseudonymizer.hash('body', 'x'));
    expect(sealed.keyId).toBe('local:cell-uk');
    expect(stages()).toEqual(['hashing', 'encryption']);
  });
});

describe('the ingest handler with a stage timer', () => {
  const body = JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId: 'timed-1' }));

  it('reports every stage of an accepted note and answers as it does without the timer', async () => {
    // Prepare
    const { stages, timer } = recorder();
    const headers = signedHeaders({ secret: SECRET, body });
    // Act
    const timedResult = await handlerWith(fakeIngestDeps(), timer)(
      webhookEvent(body, headers),
      localContext('uk-ingest'),
    );
    const plainResult = await handlerWith(fakeIngestDeps())(
      webhookEvent(body, headers),
      localContext('uk-ingest'),
    );
    // Assess
    expect(timedResult.statusCode).toBe(202);
    expect(plainResult.statusCode).toBe(202);
    expect(Object.keys(timedResult.headers ?? {})).toEqual(Object.keys(plainResult.headers ?? {}));
    expect(new Set(stages())).toEqual(
      new Set<IngestStage>([
        'logger context',
        'signature',
        'use case',
        'movement decision',
        'hashing',
        'encryption',
        'transaction',
        'logging',
        'handler',
      ]),
    );
    expect(stages().filter((s) => s === 'transaction')).toHaveLength(1);
    expect(stages().at(-1)).toBe('handler');
  });

  it('reports no use-case stage for a webhook refused at the signature check', async () => {
    const { stages, timer } = recorder();
    const deps = fakeIngestDeps();
    const headers = { ...signedHeaders({ secret: SECRET, body }), 'webhook-signature': 'v1,AAAA' };

    const result = await handlerWith(deps, timer)(webhookEvent(body, headers), localContext('uk-ingest'));

    expect(result.statusCode).toBe(401);
    expect(deps.accepted).toEqual([]);
    expect(stages()).toEqual(expect.arrayContaining(['signature', 'handler']));
    expect(stages()).not.toContain('use case');
    expect(stages()).not.toContain('transaction');
  });
});
