import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { ReportDocument, ReportRenderer } from '../../ports/report-renderer.js';
import { MUTED, PAGE, PageFlow } from './page-flow.js';
import { drawBarChart } from './pdf-chart.js';
import { drawTable } from './pdf-table.js';
import { winAnsiSafe } from './win-ansi.js';

/** The report shape (defined with the renderer port, so callers need not import pdf-lib). */
export type { ReportDocument };

/**
 * Renders a report as an A4 PDF with pdf-lib and its standard fonts (Helvetica,
 * nothing to load at run time): the title block, then each section's heading,
 * paragraphs, table (paginated, header repeated, at most `MAX_TABLE_ROWS` rows) and
 * chart; every page's footer
 * names the report, when it was made and the page number. The bytes carry no
 * creation time of their own beyond `generatedAt`, so the same document renders
 * to the same bytes.
 *
 * @example
 * const pdf = await renderReportPdf({ title: 'Disclosure accounting', generatedAt: new Date().toISOString(),
 *   sections: [{ heading: 'Movements', table: { columns: ['When', 'Corridor'], rows: [] } }] });
 */
export async function renderReportPdf(doc: ReportDocument): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const at = new Date(doc.generatedAt);
  const when = Number.isNaN(at.getTime()) ? new Date(0) : at;
  pdf.setTitle(winAnsiSafe(doc.title));
  pdf.setProducer('visitbridge');
  pdf.setCreator('visitbridge');
  pdf.setCreationDate(when);
  pdf.setModificationDate(when);
  const fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
  };
  const flow = new PageFlow(pdf, fonts);
  flow.text(doc.title, { font: fonts.bold, size: 18, gap: 4 });
  if (doc.subtitle) flow.text(doc.subtitle, { size: 11, gap: 4 });
  flow.text(`Generated ${doc.generatedAt}`, { size: 8, gap: 14 });
  for (const section of doc.sections) {
    flow.room(60);
    flow.text(section.heading, { font: fonts.bold, size: 13, gap: 6 });
    for (const paragraph of section.paragraphs ?? []) flow.text(paragraph, { gap: 6 });
    if (section.chart) drawBarChart(flow, section.chart);
    if (section.table) drawTable(flow, capped(section.table));
    flow.y -= 8;
  }
  const pages = pdf.getPages();
  const footer = winAnsiSafe(`${doc.title} - ${doc.generatedAt}`).slice(0, 110);
  pages.forEach((page, i) => {
    page.drawText(`${footer}   page ${i + 1} of ${pages.length}`, {
      x: PAGE.margin,
      y: PAGE.margin - 20,
      size: 7,
      font: fonts.regular,
      color: MUTED,
    });
  });
  return pdf.save({ useObjectStreams: false });
}

/**
 * Rows one table draws at most: about 500 KB and two seconds of PDF. A report is read by
 * people; the complete data goes beside it as CSV or JSON.
 */
export const MAX_TABLE_ROWS = 2000;

/** A table cut to `MAX_TABLE_ROWS`, its last row saying how many more there were. */
function capped(table: { columns: string[]; rows: string[][] }): { columns: string[]; rows: string[][] } {
  if (table.rows.length <= MAX_TABLE_ROWS) return table;
  const more = table.rows.length - (MAX_TABLE_ROWS - 1);
  return {
    columns: table.columns,
    rows: [
      ...table.rows.slice(0, MAX_TABLE_ROWS - 1),
      [`... and ${more} more rows: see the complete data file`],
    ],
  };
}

/** `renderReportPdf` as the cell's report renderer, where pdf-lib runs in process. */
export const inProcessReports: ReportRenderer = { render: renderReportPdf };
