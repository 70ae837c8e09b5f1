import { loadConsoleModule } from './load.js';

interface FormatModule {
  formatTime(iso?: string): string;
  corridorLabel(entry: unknown): string;
  mechanismLabel(mechanism: unknown): string;
  chainBadge(result: unknown): { tone: string; text: string; detail: string };
  digestBadge(digests: unknown): { tone: string; text: string };
  unsealedBadge(unsealed: unknown): { tone: string; text: string };
  outcomeLabel(issues: unknown[]): string;
  filenameFromDisposition(header: string | null, fallback: string): string;
  forbiddenMessage(action: string): string;
  reviewLabel(review?: unknown): { tone: string; text: string; detail: string };
}

const f = await loadConsoleModule<FormatModule>('format.js');

describe('console formatting', () => {
  it('shows times in UTC to the second', () => {
    expect(f.formatTime('2026-11-25T10:15:03.120Z')).toBe('2026-11-25 10:15:03 UTC');
  });

  it('shows a dash for a missing time', () => {
    expect(f.formatTime(undefined)).toBe('—');
  });

  it('labels a corridor with cells and countries', () => {
    const entry = { source: { cell: 'us', country: 'US' }, destination: { cell: 'uk', country: 'GB' } };
    expect(f.corridorLabel(entry)).toBe('us (US) → uk (GB)');
  });

  it('labels a mechanism with its reference and expiry day', () => {
    const mechanism = { type: 'adequacy', reference: 'EU 2021/1772', expires: '2031-12-27T00:00:00Z' };
    expect(f.mechanismLabel(mechanism)).toBe('adequacy · EU 2021/1772 · until 2031-12-27');
  });

  it('reports an intact chain with its entry count', () => {
    const badge = f.chainBadge({
      ok: true,
      shards: [
        { shard: 0, ok: true, count: 3 },
        { shard: 1, ok: true, count: 2 },
      ],
    });
    expect(badge).toEqual({ tone: 'ok', text: 'Intact', detail: '5 records verified' });
  });

  it('reports a broken chain at its first bad seq', () => {
    const badge = f.chainBadge({
      ok: false,
      shards: [{ shard: 1, ok: false, count: 9, firstBadSeq: 4, problem: 'edited' }],
      problems: ['shard 1: entry at seq 4 no longer matches its entryHash'],
    });
    expect(badge).toEqual({
      tone: 'bad',
      text: 'Broken at seq 4',
      detail: 'shard 1: entry at seq 4 no longer matches its entryHash',
    });
  });

  it('fails a chain with intact shards when something else is wrong, saying what', () => {
    const badge = f.chainBadge({
      ok: false,
      shards: [{ shard: 0, ok: true, count: 2 }],
      problems: [
        'item LEDGER#9 / SEQ#000000000001: partition LEDGER#9 is not one of the 4 shard(s) of this chain',
      ],
    });
    expect(badge).toMatchObject({ tone: 'bad', text: 'Failed', detail: expect.stringMatching(/LEDGER#9/) });
  });

  it('tells unsealed records awaiting a digest from ones unsealed too long', () => {
    expect(f.unsealedBadge({ ok: true, count: 3 })).toEqual({
      tone: 'neutral',
      text: '3 awaiting the next digest',
    });
    expect(f.unsealedBadge({ ok: false, count: 3 }).tone).toBe('bad');
  });

  it('flags a broken digest chain and an absent one', () => {
    expect(f.digestBadge({ ok: false, count: 3 }).tone).toBe('bad');
    expect(f.digestBadge({ ok: true, count: 0 })).toEqual({ tone: 'warn', text: 'No digest yet' });
    expect(f.digestBadge({ ok: true, count: 2 })).toEqual({ tone: 'ok', text: '2 digests valid' });
  });

  it('summarises OperationOutcome issues by code and location', () => {
    const issues = [
      { severity: 'error', code: 'invalid', detailCodes: ['MSG_01'], expression: ['Patient.birthDate'] },
    ];
    expect(f.outcomeLabel(issues)).toBe('error · invalid · MSG_01 · at Patient.birthDate');
  });

  it('takes the download name from content-disposition without any path', () => {
    expect(f.filenameFromDisposition('attachment; filename="../ledger-uk-2026-11-25.csv"', 'x')).toBe(
      '.._ledger-uk-2026-11-25.csv',
    );
  });

  it('falls back to the given name without content-disposition', () => {
    expect(f.filenameFromDisposition(null, 'uk-ledger-export')).toBe('uk-ledger-export');
  });

  it('tells a 403 in terms of the role', () => {
    expect(f.forbiddenMessage('replay deliveries')).toBe('Your role cannot replay deliveries.');
  });

  it('shows a review state with who set it when, and a flag as bad', () => {
    const review = { ref: '0:3', state: 'flagged', version: 1, at: '2026-11-25T10:15:03Z', by: 'him:hana' };
    expect(f.reviewLabel(review)).toEqual({
      tone: 'bad',
      text: 'flagged',
      detail: 'flagged by him:hana at 2026-11-25 10:15:03 UTC',
    });
    expect(f.reviewLabel({ ref: '0:4', state: 'unreviewed', version: 0 }).tone).toBe('neutral');
  });

  it('shows a dash for an entry without a review status', () => {
    expect(f.reviewLabel(undefined).text).toBe('—');
  });
});
