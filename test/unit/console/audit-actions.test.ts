import { PURPOSES_OF_USE as API_PURPOSES } from '../../../functions/him-api/use-cases/notes.js';
import { HIM_ROLE_NAMES } from '../../../shared/domain/audit/entry.js';
import { loadConsoleModule } from './load.js';

interface Row {
  cell: { id: string };
  item: Record<string, unknown>;
}
interface Action {
  actionId?: string;
  at: string;
  cells: string[];
  action: string;
  target: string;
  outcomes: Array<{ cell: string; outcome: string }>;
}
interface AuditActionsModule {
  groupByAction(rows: Row[], cellOrder?: string[]): Action[];
  noteOfTarget(target: string): Record<string, string> | undefined;
}
interface QueryModule {
  auditParams(filters: Record<string, string>, page?: Record<string, unknown>): URLSearchParams;
  HIM_ROLES: string[];
  PURPOSES_OF_USE: string[];
}

const m = await loadConsoleModule<AuditActionsModule>('audit-actions.js');
const q = await loadConsoleModule<QueryModule>('query.js');

const ID = '0b7c2f8e-1d2a-4c3b-9e4f-5a6b7c8d9e0f';
const row = (cell: string, over: Record<string, unknown>): Row => ({
  cell: { id: cell },
  item: {
    at: '2026-11-25T10:00:00.000Z',
    actor: 'him:hana',
    role: 'him-reviewer',
    action: 'ledger.list',
    target: 'ledger',
    sourceIp: '127.0.0.1',
    outcome: 'ok',
    shard: 0,
    seq: 1,
    ...over,
  },
});

describe('the audit log by HIM action', () => {
  it('shows the entries of one action in several cells as one row listing the cells in console order', () => {
    const rows = [
      row('us', { actionId: ID, at: '2026-11-25T10:00:00.020Z' }),
      row('uk', { actionId: ID }),
      row('eu', { actionId: ID, at: '2026-11-25T10:00:00.010Z' }),
    ];
    const actions = m.groupByAction(rows, ['uk', 'eu', 'us']);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      actionId: ID,
      cells: ['uk', 'eu', 'us'],
      at: '2026-11-25T10:00:00.000Z',
    });
  });

  it('keeps entries without an action id as rows of their own, newest first', () => {
    const actions = m.groupByAction(
      [
        row('uk', { seq: 1, at: '2026-11-25T09:00:00.000Z' }),
        row('uk', { seq: 2, at: '2026-11-25T11:00:00.000Z' }),
        row('eu', { actionId: ID, at: '2026-11-25T10:00:00.000Z' }),
      ],
      ['uk', 'eu'],
    );
    expect(actions.map((a) => `${a.cells.join(',')} ${a.at.slice(11, 13)} ${a.actionId ?? '-'}`)).toEqual([
      'uk 11 -',
      `eu 10 ${ID}`,
      'uk 09 -',
    ]);
  });

  it('names each cell’s outcome when the cells of one action ended differently', () => {
    const [action] = m.groupByAction([
      row('uk', { actionId: ID }),
      row('eu', { actionId: ID, outcome: 'forbidden' }),
    ]);
    expect(action?.outcomes).toEqual([
      { cell: 'uk', outcome: 'ok' },
      { cell: 'eu', outcome: 'forbidden' },
    ]);
  });

  it('reads the note ids of a note-view target, and nothing of another target', () => {
    expect(m.noteOfTarget('note:demo/n-1/2/version')).toEqual({
      senderId: 'demo',
      noteId: 'n-1',
      version: '2',
      event: 'version',
    });
    expect(m.noteOfTarget('ledger?kind=egress')).toBeUndefined();
  });
});

describe('console audit query', () => {
  it('builds the filled filters only, a bare user as him:<user>, an action id in lower case', () => {
    const search = q.auditParams(
      { actor: 'hana', purpose: 'treatment', action: 'notes.view', actionId: ID.toUpperCase(), role: '' },
      { limit: 50 },
    );
    expect(search.toString()).toBe(
      `actor=him%3Ahana&action=notes.view&purpose=treatment&actionId=${ID}&limit=50`,
    );
  });

  it('refuses an action id that is not a UUID, naming the field', () => {
    expect(() => q.auditParams({ actionId: 'abc' })).toThrow(expect.objectContaining({ field: 'actionId' }));
  });

  it('offers the roles and purposes the API accepts', () => {
    expect(q.HIM_ROLES).toEqual([...HIM_ROLE_NAMES]);
    expect(q.PURPOSES_OF_USE).toEqual([...API_PURPOSES]);
  });
});
