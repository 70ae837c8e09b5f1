import * as z from 'zod';
import type { OutboxItem } from '../../../shared/domain/delivery/outbox-item.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { Outbox } from '../../../shared/ports/outbox.js';

/** Every delivery state, in the order a listing of all states shows them: what needs a HIM first. */
export const DELIVERY_STATES = ['parked', 'retrying', 'waiting', 'pending', 'delivered'] as const;

/** Where a listing of every state stands: the state it is in and that state's own cursor. */
const Position = z.strictObject({
  state: z
    .int()
    .min(0)
    .max(DELIVERY_STATES.length - 1),
  inner: z.string().min(1).optional(),
});

/**
 * One page of deliveries across every state, state by state (each oldest received
 * first), with a cursor that carries the state it stopped in.
 *
 * @throws AppError('invalid-cursor') for a cursor this listing did not issue.
 */
export async function listEveryState(
  outbox: Pick<Outbox, 'listByState'>,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: OutboxItem[]; nextCursor?: string }> {
  let { state, inner } = decode(cursor);
  const items: OutboxItem[] = [];
  while (state < DELIVERY_STATES.length && items.length < limit) {
    const page = await outbox.listByState(DELIVERY_STATES[state] ?? 'parked', {
      limit: limit - items.length,
      ...(inner ? { cursor: inner } : {}),
    });
    items.push(...page.items);
    inner = page.nextCursor;
    if (!inner) state += 1;
  }
  if (state >= DELIVERY_STATES.length) return { items };
  const next = { state, ...(inner ? { inner } : {}) };
  return { items, nextCursor: Buffer.from(JSON.stringify(next)).toString('base64url') };
}

function decode(cursor: string | undefined): { state: number; inner?: string | undefined } {
  if (!cursor) return { state: 0 };
  try {
    return Position.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('invalid-cursor', 'cursor is not one this API returned; start again without it');
  }
}
