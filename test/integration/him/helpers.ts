import type { HimRole } from '../../../infra/local/dev-issuer.js';
import { DEMO_SENDER_ID } from '../../../infra/local/settings.js';
import { DynamoLedgerStore } from '../../../shared/adapters/dynamodb/ledger-store.js';
import { DynamoOutbox } from '../../../shared/adapters/dynamodb/outbox-store.js';
import { type FixtureCell, type FixturePatient, fixturePatients, noteEvent } from '../../fixtures/notes.js';
import type { TestStack } from '../../helpers/local-stack.js';
import { signedHeaders } from '../../helpers/signing.js';

/** Calls a cell's HIM API as a dev-issuer user with the given roles. */
export function himClient(stack: TestStack) {
  return async (
    cell: string,
    method: string,
    path: string,
    o: { roles: HimRole[]; country?: string; user?: string; body?: unknown },
  ) => {
    const token = await stack.devIssuer.mint({ user: o.user ?? 'hana', roles: o.roles, country: o.country });
    return fetch(`${stack.url}/${cell}/v1/him/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(o.body ? { 'content-type': 'application/json' } : {}),
      },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
  };
}

/** Posts a signed note of the cell's fixture patient (or `patient`) to that cell (its home); returns the event. */
export async function postNote(
  stack: TestStack,
  cell: FixtureCell,
  noteId: string,
  patient: FixturePatient = fixturePatients[cell],
) {
  const event = noteEvent({ patient, noteId });
  const body = JSON.stringify(event);
  const res = await stack.post(
    cell,
    `/v1/webhooks/${DEMO_SENDER_ID}`,
    body,
    signedHeaders({ secret: stack.demoSecret.value, body }),
  );
  if (res.status !== 202) throw new Error(`note not accepted: ${res.status} ${await res.text()}`);
  return event;
}

export function cellTable(stack: TestStack, cell: string): string {
  const found = stack.cells.find((c) => c.id === cell);
  if (!found) throw new Error(`no cell ${cell}`);
  return found.tableName;
}

export const ledgerOf = (stack: TestStack, cell: string) =>
  new DynamoLedgerStore({ client: stack.dynamoClient, tableName: cellTable(stack, cell), cellId: cell });

export const outboxOf = (stack: TestStack, cell: string) =>
  new DynamoOutbox(stack.dynamoClient, cellTable(stack, cell));

/** Parks a note's delivery as the worker would after an EHR rejection (whatever the worker did before). */
export async function park(stack: TestStack, cell: string, noteId: string, parkedAt: string) {
  const outbox = outboxOf(stack, cell);
  const key = { senderId: DEMO_SENDER_ID, noteId, version: 1, eventKind: 'finalized' as const };
  for (let tries = 0; tries < 10; tries += 1) {
    const item = await outbox.get(key);
    if (!item) throw new Error('no outbox item');
    const parked = await outbox.recordAttempt(
      key,
      item.attempts,
      {
        state: 'parked',
        attempt: {
          at: parkedAt,
          step: 'document-create',
          outcome: 'rejected',
          httpStatus: 422,
          durationMs: 12,
        },
        resourceIds: {},
        parkReason: 'rejected',
        operationOutcome: [
          { severity: 'error', code: 'invalid', detailCodes: [], expression: ['DocumentReference.type'] },
        ],
        parkedAt,
      },
      parkedAt,
    );
    if (parked) return key;
  }
  throw new Error('could not park the delivery');
}
