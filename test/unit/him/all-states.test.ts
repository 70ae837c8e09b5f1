import { DELIVERY_STATES, listEveryState } from '../../../functions/him-api/use-cases/all-states.js';
import type { DeliveryState, OutboxItem } from '../../../shared/domain/delivery/outbox-item.js';

/** An outbox whose states hold `counts` items each, paged like the store (opaque numeric cursors). */
function outbox(counts: Partial<Record<DeliveryState, number>>) {
  const items = (state: DeliveryState) =>
    Array.from({ length: counts[state] ?? 0 }, (_, i) => ({ noteId: `${state}-${i}`, state }) as OutboxItem);
  return {
    listByState: async (state: DeliveryState, page: { limit: number; cursor?: string }) => {
      const start = Number(page.cursor ?? 0);
      const all = items(state);
      const slice = all.slice(start, start + page.limit);
      const end = start + slice.length;
      return { items: slice, ...(end < all.length ? { nextCursor: String(end) } : {}) };
    },
  };
}

async function everyPage(o: ReturnType<typeof outbox>, limit: number) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await listEveryState(o, limit, cursor);
    pages.push(page.items.map((i) => i.noteId));
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
}

describe('listEveryState', () => {
  it('lists every state, parked first, across pages that span states', async () => {
    const pages = await everyPage(outbox({ parked: 2, pending: 1, delivered: 3 }), 4);
    expect(pages).toEqual([
      ['parked-0', 'parked-1', 'pending-0', 'delivered-0'],
      ['delivered-1', 'delivered-2'],
    ]);
  });

  it('returns no cursor once the last state is read', async () => {
    expect(await listEveryState(outbox({ delivered: 1 }), 50, undefined)).toEqual({
      items: [{ noteId: 'delivered-0', state: 'delivered' }],
    });
  });

  it('lists parked before anything else', () => {
    expect(DELIVERY_STATES[0]).toBe('parked');
  });

  it('refuses a cursor it did not issue', async () => {
    await expect(listEveryState(outbox({}), 10, 'bm90LWEtY3Vyc29y')).rejects.toMatchObject({
      code: 'invalid-cursor',
    });
  });
});
