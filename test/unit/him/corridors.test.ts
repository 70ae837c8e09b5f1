import { summarizeCorridors } from '../../../functions/him-api/use-cases/corridors.js';
import { emptyHead, sealEntries } from '../../../shared/domain/ledger/chain.js';
import type { LedgerEntry, UnsealedEntry } from '../../../shared/domain/ledger/entry.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';

const at = (iso: string) => new Date(iso);
const seal = (entries: UnsealedEntry[]): LedgerEntry[] => sealEntries(emptyHead(0), entries).sealed;

describe('summarizeCorridors', () => {
  it('counts entries per day, corridor, kind, mechanism and decision', () => {
    // Prepare
    const denied: UnsealedEntry = {
      ...syntheticEntry(3, at('2026-11-25T12:00:00Z')),
      decision: 'denied',
      mechanism: null,
    };
    const entries = seal([
      syntheticEntry(1, at('2026-11-25T09:00:00Z')),
      syntheticEntry(2, at('2026-11-25T23:59:59Z')),
      denied,
      syntheticEntry(4, at('2026-11-26T00:00:00Z')),
    ]);
    // Act
    const rows = summarizeCorridors(entries);
    // Assess
    expect(rows).toEqual([
      {
        day: '2026-11-25',
        from: 'uk',
        to: 'us',
        kind: 'egress',
        mechanism: 'eu-us-dpf',
        decision: 'allowed',
        count: 2,
      },
      {
        day: '2026-11-25',
        from: 'uk',
        to: 'us',
        kind: 'egress',
        mechanism: null,
        decision: 'denied',
        count: 1,
      },
      {
        day: '2026-11-26',
        from: 'uk',
        to: 'us',
        kind: 'egress',
        mechanism: 'eu-us-dpf',
        decision: 'allowed',
        count: 1,
      },
    ]);
  });

  it('keeps corridors and kinds apart', () => {
    const base = syntheticEntry(1, at('2026-11-25T09:00:00Z'));
    const rows = summarizeCorridors(
      seal([
        base,
        { ...base, transferId: 't2', destination: { country: 'DE', cell: 'eu' } },
        { ...base, transferId: 't3', kind: 'remote-access' },
      ]),
    );
    expect(rows.map((r) => `${r.from}>${r.to}:${r.kind}:${r.count}`)).toEqual([
      'uk>eu:egress:1',
      'uk>us:egress:1',
      'uk>us:remote-access:1',
    ]);
  });

  it('returns no rows for no entries', () => {
    expect(summarizeCorridors([])).toEqual([]);
  });
});
