import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { IngestDeps } from './accept-note.js';

/** The parts of one webhook's ingest that the benchmark times separately. */
export type IngestStage =
  | 'logger context'
  | 'signature'
  | 'use case'
  | 'movement decision'
  | 'hashing'
  | 'encryption'
  | 'transaction'
  | 'logging'
  | 'handler';

/**
 * Receives how long one stage of one request took. Only the benchmark passes
 * one (through the composition root's overrides); production builds the
 * handler without it, so nothing is wrapped and nothing is timed there.
 */
export type StageTimer = (stage: IngestStage, ms: number) => void;

/** Runs `run`, reporting its duration (until settled, for a promise) as `stage`. */
export function timed<T>(timer: StageTimer, stage: IngestStage, run: () => T): T {
  const started = performance.now();
  const result = run();
  if (result instanceof Promise) {
    return result.finally(() => timer(stage, performance.now() - started)) as T;
  }
  timer(stage, performance.now() - started);
  return result;
}

/** A middleware whose `before` and `after` are timed as `stage` (errors pass through unchanged). */
export function timedMiddleware<E, R, Err, C extends Context>(
  timer: StageTimer,
  stage: IngestStage,
  middleware: MiddlewareObj<E, R, Err, C>,
): MiddlewareObj<E, R, Err, C> {
  const { before, after } = middleware;
  return {
    ...middleware,
    ...(before && { before: (request) => timed(timer, stage, () => before(request)) }),
    ...(after && { after: (request) => timed(timer, stage, () => after(request)) }),
  };
}

/**
 * The use case's ports wrapped so each call is timed: movement decision,
 * keyed hashing, encryption and the note's transaction. What `acceptNote`
 * does besides them (JSON parse, schema validation, residency checks,
 * canonical JSON, the receipt) is its `use case` time minus these.
 */
export function timedIngestDeps(deps: IngestDeps, timer: StageTimer): IngestDeps {
  const { encryptor, store, pseudonymizer, inboundMovements } = deps;
  return {
    ...deps,
    inboundMovements: (event, ctx) => timed(timer, 'movement decision', () => inboundMovements(event, ctx)),
    pseudonymizer: {
      patientRef: (identifiers) => timed(timer, 'hashing', () => pseudonymizer.patientRef(identifiers)),
      hash: (purpose, value) => timed(timer, 'hashing', () => pseudonymizer.hash(purpose, value)),
    },
    encryptor: {
      encrypt: (event, binding) => timed(timer, 'encryption', () => encryptor.encrypt(event, binding)),
      decrypt: (ciphertext, expected) => encryptor.decrypt(ciphertext, expected),
    },
    store: {
      accept: (request) => timed(timer, 'transaction', () => store.accept(request)),
      deliveryStatus: (senderId, noteId, version) => store.deliveryStatus(senderId, noteId, version),
    },
  };
}
