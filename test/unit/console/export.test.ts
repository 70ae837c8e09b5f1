import { loadConsoleModule } from './load.js';

interface Merged {
  text: string;
  counts: Array<{ cell: string; entries: number }>;
  total: number;
}
interface Part {
  cell: string;
  text: string;
}
interface ExportModule {
  ExportMergeError: new (cell: string, message: string) => Error;
  csvRecords(text: string): string[];
  csvFields(record: string): string[];
  mergeCsv(parts: Part[]): Merged;
  mergeNdjson(parts: Part[]): Merged;
  mergeExports(format: 'csv' | 'ndjson', parts: Part[]): Merged;
  exportFilename(options: { from?: string; to?: string; format: 'csv' | 'ndjson'; today: string }): string;
  exportSummary(merged: Merged, filename: string, failedCells?: string[]): string;
}

const x = await loadConsoleModule<ExportModule>('export.js');

const HEADER = 'transferId,at,kind,reason';
const csv = (...rows: string[]) => [HEADER, ...rows].map((r) => `${r}\r\n`).join('');
const UK_ROW = 't-1,2026-11-25T10:00:00.000Z,inbound,"allowed, under ""adequacy"""';
const EU_ROW = "t-2,2026-11-26T09:00:00.000Z,forward,'=not a formula";

describe('ledger export merge', () => {
  it('splits CSV records without breaking a quoted field that holds a comma, quote or line break', () => {
    const records = x.csvRecords('a,b\r\n"x,1","say ""hi""\r\nthere"\r\n\r\nlast,row');
    expect(records).toEqual(['a,b', '"x,1","say ""hi""\r\nthere"', 'last,row']);
    expect(x.csvFields(records[1] ?? '')).toEqual(['x,1', 'say "hi"\r\nthere']);
  });

  it('reads an empty last field and empty fields between commas', () => {
    expect(x.csvFields('a,,"",')).toEqual(['a', '', '', '']);
  });

  it('keeps the header once, with cell first, and prefixes each row with its cell', () => {
    // Prepare
    const parts = [
      { cell: 'uk', text: csv(UK_ROW) },
      { cell: 'eu', text: csv(EU_ROW) },
    ];
    // Act
    const merged = x.mergeCsv(parts);
    // Assess
    expect(merged.text).toBe(`cell,${HEADER}\r\nuk,${UK_ROW}\r\neu,${EU_ROW}\r\n`);
    expect(x.csvFields(x.csvRecords(merged.text)[1] ?? '')).toEqual([
      'uk',
      't-1',
      '2026-11-25T10:00:00.000Z',
      'inbound',
      'allowed, under "adequacy"',
    ]);
    expect(merged.total).toBe(2);
  });

  it('adds nothing for a cell whose export is only a header', () => {
    const merged = x.mergeCsv([
      { cell: 'uk', text: csv(UK_ROW) },
      { cell: 'au', text: csv() },
    ]);
    expect(merged.text).toBe(`cell,${HEADER}\r\nuk,${UK_ROW}\r\n`);
    expect(merged.counts).toEqual([
      { cell: 'uk', entries: 1 },
      { cell: 'au', entries: 0 },
    ]);
  });

  it('gives no text when no cell has an entry, so no empty file is saved', () => {
    const merged = x.mergeCsv([
      { cell: 'uk', text: csv() },
      { cell: 'eu', text: '' },
    ]);
    expect([merged.text, merged.total]).toEqual(['', 0]);
  });

  it('refuses to merge cells whose columns differ', () => {
    const parts = [
      { cell: 'uk', text: csv(UK_ROW) },
      { cell: 'eu', text: 'transferId,at\r\nt-2,2026-11-26T09:00:00.000Z\r\n' },
    ];
    expect(() => x.mergeCsv(parts)).toThrow(x.ExportMergeError);
    expect(() => x.mergeCsv(parts)).toThrow(/^eu: its CSV columns differ/);
  });

  it('refuses an unterminated quoted field', () => {
    expect(() => x.mergeCsv([{ cell: 'uk', text: `${HEADER}\r\nt-1,"open\r\n` }])).toThrow(
      /^uk: unreadable CSV/,
    );
  });

  it('adds a cell field first to each NDJSON entry and keeps the rest as written', () => {
    // Prepare
    const entry = '{"transferId":"t-1","seq":12,"entryHash":"ab"}';
    // Act
    const merged = x.mergeNdjson([
      { cell: 'uk', text: `${entry}\n\n` },
      { cell: 'au', text: '' },
    ]);
    // Assess
    expect(merged.text).toBe('{"cell":"uk","transferId":"t-1","seq":12,"entryHash":"ab"}\n');
    expect(JSON.parse(merged.text)).toEqual({ cell: 'uk', ...JSON.parse(entry) });
    expect(merged.counts).toEqual([
      { cell: 'uk', entries: 1 },
      { cell: 'au', entries: 0 },
    ]);
  });

  it('refuses an NDJSON line that is not a JSON object', () => {
    expect(() => x.mergeNdjson([{ cell: 'eu', text: '[1,2]\n' }])).toThrow(/^eu: .*not an object/);
  });

  it('merges by format', () => {
    expect(x.mergeExports('ndjson', [{ cell: 'uk', text: '{}\n' }]).text).toBe('{"cell":"uk"}\n');
    expect(x.mergeExports('csv', [{ cell: 'uk', text: csv(UK_ROW) }]).total).toBe(1);
  });

  it('names the file after the filtered days, today closing an open end', () => {
    const today = '2026-11-30T08:00:00.000Z';
    expect(
      x.exportFilename({
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-15T12:00:00.000Z',
        format: 'csv',
        today,
      }),
    ).toBe('visitbridge-ledger-2026-11-01-2026-11-15.csv');
    expect(x.exportFilename({ format: 'ndjson', today })).toBe('visitbridge-ledger-start-2026-11-30.ndjson');
  });

  it('says how many entries came from which cells, which had none and which failed', () => {
    const merged = x.mergeCsv([
      { cell: 'uk', text: csv(UK_ROW, UK_ROW) },
      { cell: 'eu', text: csv(EU_ROW) },
      { cell: 'au', text: csv() },
    ]);
    expect(x.exportSummary(merged, 'f.csv', ['us'])).toBe(
      'Saved 3 ledger entries from uk (2), eu (1) to f.csv. No entries in au. Not exported from us (see the problem below).',
    );
  });

  it('says nothing was saved when no cell had an entry', () => {
    const merged = x.mergeCsv([{ cell: 'uk', text: csv() }]);
    expect(x.exportSummary(merged, '')).toBe('Nothing saved: no ledger entries match these filters in uk.');
  });
});
