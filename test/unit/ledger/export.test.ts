import { emptyHead, sealEntries } from '../../../shared/domain/ledger/chain.js';
import { CSV_COLUMNS, csvField, toCsv, toNdjson } from '../../../shared/domain/ledger/export.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';

const at = new Date('2026-11-25T10:00:00.000Z');
const entries = sealEntries(emptyHead(0), [
  { ...syntheticEntry(1, at), reason: 'allowed, "quoted"\nsecond line' },
  { ...syntheticEntry(2, at), mechanism: null, ruleId: null, recipient: {} },
]).sealed;

/** Minimal RFC 4180 reader, for checking what we write round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else {
      field += c;
    }
  }
  return rows;
}

describe('toCsv', () => {
  it('starts with a header row of every column', () => {
    expect(toCsv([]).split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
  });

  it('writes one record per entry that an RFC 4180 reader reads back', () => {
    const rows = parseCsv(toCsv(entries));
    expect(rows).toHaveLength(3);
    const record = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, rows[1]?.[i]]));
    expect(record).toMatchObject({
      reason: 'allowed, "quoted"\\x0asecond line',
      dataCategories: 'health-data;loinc:11506-3',
      seq: '1',
      entryHash: entries[0]?.entryHash,
    });
  });

  it('leaves absent values empty', () => {
    const record = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, parseCsv(toCsv(entries))[2]?.[i]]));
    expect(record).toMatchObject({ mechanismType: '', ruleId: '', recipientOrganization: '' });
  });
});

describe('csvField', () => {
  it('quotes a field with a comma and doubles quotes', () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
  });

  it('neutralises a text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
  });

  it('writes numbers and booleans as they are', () => {
    expect([csvField(-1), csvField(true)]).toEqual(['-1', 'true']);
  });

  it('leaves a missing value empty and a lone dash as it is', () => {
    expect([csvField(undefined), csvField(null), csvField(''), csvField('-')]).toEqual(['', '', '', '-']);
  });

  it('writes CR, LF, ESC and C1 controls as visible escapes, so a field never breaks a row', () => {
    expect(csvField('a\r\nb\x1b[31mc\u009bd')).toBe('a\\x0d\\x0ab\\x1b[31mc\\x9bd');
  });

  it('neutralises a formula hidden behind a leading tab or CR by escaping it', () => {
    expect([csvField('\t=1+1'), csvField('-2+3')]).toEqual(['\\x09=1+1', "'-2+3"]);
  });
});

describe('toNdjson', () => {
  it('writes one parseable entry per line', () => {
    const lines = toNdjson(entries).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(entries);
  });
});
