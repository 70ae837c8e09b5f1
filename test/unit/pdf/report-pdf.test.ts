import {
  MAX_TABLE_ROWS,
  type ReportDocument,
  renderReportPdf,
} from '../../../shared/adapters/pdf/report-pdf.js';
import { winAnsiSafe } from '../../../shared/adapters/pdf/win-ansi.js';
import { pdfText } from '../../helpers/pdf-text.js';

const doc = (sections: ReportDocument['sections']): ReportDocument => ({
  title: 'Disclosure accounting',
  subtitle: 'cell uk, 2026-11-01 to 2026-11-30',
  generatedAt: '2026-11-30T12:00:00.000Z',
  sections,
});

describe('renderReportPdf', () => {
  it('writes a PDF whose text holds the title, every heading, paragraph, table cell and chart title', async () => {
    const pdf = await renderReportPdf(
      doc([
        {
          heading: 'Movements',
          paragraphs: ['Every cross-border movement.'],
          table: { columns: ['When', 'Corridor'], rows: [['2026-11-02', 'uk:us']] },
        },
        {
          heading: 'Corridors over time',
          chart: {
            title: 'Movements per day',
            labels: ['11-01', '11-02'],
            series: [{ name: 'uk:us', values: [1, 3] }],
          },
        },
      ]),
    );
    const text = await pdfText(pdf);
    for (const s of [
      'Disclosure accounting',
      'cell uk',
      'Movements',
      'Every cross-border movement.',
      'Corridor',
      'uk:us',
      'Corridors over time',
      'Movements per day',
    ])
      expect(text).toContain(s);
  });

  it('continues a long table on further pages, repeating its header', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => [`row-${i}`, `value ${i}`]);
    const text = await pdfText(
      await renderReportPdf(doc([{ heading: 'Long', table: { columns: ['Id', 'Value'], rows } }])),
    );
    const pages = text.split('\f');
    expect(pages.length).toBeGreaterThan(3);
    expect(text).toContain('row-0');
    expect(text).toContain('row-199');
    for (const page of pages) expect(page).toContain('Value');
    expect(pages.at(-1)).toContain(`page ${pages.length} of ${pages.length}`);
  });

  it('cuts a table past MAX_TABLE_ROWS, saying how many rows more there were', async () => {
    const rows = Array.from({ length: MAX_TABLE_ROWS + 10 }, (_, i) => [`r${i}`]);
    const text = await pdfText(
      await renderReportPdf(doc([{ heading: 'Cut', table: { columns: ['Id'], rows } }])),
    );
    expect(text).toContain(`r${MAX_TABLE_ROWS - 2}`);
    expect(text).not.toContain(`r${MAX_TABLE_ROWS - 1} `);
    expect(text).toContain('... and 11 more rows: see the complete data file');
  });

  it('draws text outside WinAnsi and control characters without failing, escaped', async () => {
    const text = await pdfText(
      await renderReportPdf(
        doc([
          {
            heading: 'Odd \x1b[2J 東京 → ok',
            paragraphs: ['a\u202eb'],
            table: { columns: ['x'], rows: [['€ Zoë']] },
          },
        ]),
      ),
    );
    expect(text).toContain('Odd \\x1b[2J ?? -> ok');
    expect(text).toContain('a\\u202eb');
    expect(text).toContain('€ Zoë');
  });

  it('renders the same document to the same bytes', async () => {
    const d = doc([{ heading: 'Same', paragraphs: ['twice'] }]);
    expect(Buffer.from(await renderReportPdf(d)).equals(Buffer.from(await renderReportPdf(d)))).toBe(true);
  });
});

describe('winAnsiSafe', () => {
  it('keeps Latin-1 and Windows-1252 punctuation and replaces what the standard fonts lack', () => {
    expect(winAnsiSafe('Zoë – “ok” 東')).toBe('Zoë – “ok” ?');
  });
});
