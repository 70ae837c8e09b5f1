import { loadConsoleModule } from './load.js';

interface QueryModule {
  FilterError: new (field: string, message: string) => Error & { field: string };
  toIsoInstant(field: string, value: string): string;
  corridorParam(value: string): string;
  patientParam(value: string): string;
  ledgerParams(filters: Record<string, string>, page?: Record<string, unknown>): URLSearchParams;
  reviewQueueParams(filters: Record<string, string>, page?: Record<string, unknown>): URLSearchParams;
  reviewPath(ref: string, action?: string): string;
  deliveryPath(item: { senderId: string; noteId: string; version: number }): string;
  isSecureBase(apiBase: string): boolean;
  apiUrl(apiBase: string, path: string, search?: URLSearchParams): string;
}

const q = await loadConsoleModule<QueryModule>('query.js');

describe('console query building', () => {
  it('reads a datetime-local value as UTC', () => {
    // Act
    const iso = q.toIsoInstant('from', '2026-11-25T10:15');
    // Assess
    expect(iso).toBe('2026-11-25T10:15:00.000Z');
  });

  it('accepts a corridor written with an arrow and normalises it to from:to', () => {
    expect(q.corridorParam(' US → UK ')).toBe('us:uk');
  });

  it('refuses a corridor that is not two cell ids, naming the field', () => {
    expect(() => q.corridorParam('us')).toThrow(
      expect.objectContaining({ name: 'FilterError', field: 'corridor' }),
    );
  });

  it('refuses a patient identifier without a system', () => {
    expect(() => q.patientParam('|9434765919')).toThrow(expect.objectContaining({ field: 'patient' }));
  });

  it('builds ledger parameters from the filled filters only, with the cursor and limit', () => {
    // Prepare
    const filters = {
      from: '',
      to: '2026-11-30T00:00',
      kind: 'inbound',
      decision: '',
      corridor: 'us:uk',
      noteId: ' n-1 ',
      patient: 'sys|1',
    };
    // Act
    const search = q.ledgerParams(filters, { limit: 50, cursor: 'abc' });
    // Assess
    expect(Object.fromEntries(search)).toEqual({
      to: '2026-11-30T00:00:00.000Z',
      kind: 'inbound',
      corridor: 'us:uk',
      noteId: 'n-1',
      patient: 'sys|1',
      limit: '50',
      cursor: 'abc',
    });
  });

  it('refuses a range whose start is after its end', () => {
    expect(() => q.ledgerParams({ from: '2026-12-01T00:00', to: '2026-11-01T00:00' })).toThrow(
      /after its end/,
    );
  });

  it('refuses a kind outside the movement kinds', () => {
    expect(() => q.ledgerParams({ kind: 'teleport' })).toThrow(expect.objectContaining({ field: 'kind' }));
  });

  it('builds review queue parameters from state, corridor, mechanism and period', () => {
    // Act
    const search = q.reviewQueueParams(
      { state: 'flagged', corridor: 'US → UK', mechanism: 'idta', from: '2026-11-01', to: '' },
      { limit: 100 },
    );
    // Assess
    expect(Object.fromEntries(search)).toEqual({
      state: 'flagged',
      corridor: 'us:uk',
      mechanism: 'idta',
      from: '2026-11-01T00:00:00.000Z',
      limit: '100',
    });
  });

  it('refuses a review state or mechanism the API does not know, naming the field', () => {
    expect(() => q.reviewQueueParams({ state: 'approved' })).toThrow(
      expect.objectContaining({ field: 'state' }),
    );
    expect(() => q.reviewQueueParams({ mechanism: 'handshake' })).toThrow(
      expect.objectContaining({ field: 'mechanism' }),
    );
  });

  it('names a movement by its ledger position in review paths, and refuses anything else', () => {
    expect(q.reviewPath('0:12')).toBe('reviews/0%3A12');
    expect(q.reviewPath('3:7', 'resolve')).toBe('reviews/3%3A7/resolve');
    expect(() => q.reviewPath('../ledger')).toThrow(/not a ledger entry position/);
  });

  it('escapes every id of a delivery path', () => {
    expect(q.deliveryPath({ senderId: 'a/b', noteId: 'n?1', version: 2 })).toBe('deliveries/a%2Fb/n%3F1/2');
  });

  it('treats only HTTPS and loopback API bases as safe for identifiers', () => {
    expect([
      q.isSecureBase('https://uk.example.org/'),
      q.isSecureBase('http://127.0.0.1:8080/uk/'),
      q.isSecureBase('http://uk.example.org/'),
    ]).toEqual([true, true, false]);
  });

  it('puts HIM API paths under the cell base', () => {
    expect(q.apiUrl('http://127.0.0.1:8080/uk/', 'ledger', new URLSearchParams({ kind: 'egress' }))).toBe(
      'http://127.0.0.1:8080/uk/v1/him/ledger?kind=egress',
    );
  });
});
