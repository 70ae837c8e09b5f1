import { rgb } from 'pdf-lib';
import { CONTENT_WIDTH, INK, PAGE, type PageFlow, RULE, wrap } from './page-flow.js';
import { winAnsiSafe } from './win-ansi.js';

const SIZE = 8;
const LINE = SIZE * 1.3;
const PAD = 3;
/** A cell longer than this many lines is cut (with `…`): a row must fit on one page. */
const MAX_CELL_LINES = 24;
const MIN_COLUMN = 36;
const HEADER_FILL = rgb(0.92, 0.93, 0.95);

/**
 * Column widths: each column gets at least its longest word (so words are not
 * broken while they fit), and the room left is shared in proportion to what each
 * column would need to show its longest text on one line. Columns that cannot all
 * fit even so are scaled down together.
 */
function columnWidths(flow: PageFlow, columns: string[], rows: string[][]): number[] {
  const width = (t: string) => flow.fonts.bold.widthOfTextAtSize(t, SIZE);
  const cellsOf = (i: number) => [columns[i] ?? '', ...rows.map((r) => r[i] ?? '')].map(winAnsiSafe);
  const natural = columns.map((_, i) => Math.min(260, Math.max(...cellsOf(i).map(width))) + 2 * PAD);
  const least = columns.map((_, i) => {
    const words = cellsOf(i).flatMap((t) => t.split(/\s+/));
    return Math.max(MIN_COLUMN, Math.min(120, Math.max(0, ...words.map(width))) + 2 * PAD);
  });
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  if (sum(natural) <= CONTENT_WIDTH) return natural;
  if (sum(least) >= CONTENT_WIDTH) return least.map((w) => (w * CONTENT_WIDTH) / sum(least));
  const extra = CONTENT_WIDTH - sum(least);
  const wanted = natural.map((n, i) => Math.max(0, n - (least[i] ?? 0)));
  return least.map((l, i) => l + (extra * (wanted[i] ?? 0)) / Math.max(1, sum(wanted)));
}

/**
 * Draws a table with a shaded header row, wrapping cells to their column and
 * starting a new page (with the header again) when a row no longer fits.
 */
export function drawTable(flow: PageFlow, table: { columns: string[]; rows: string[][] }): void {
  const widths = columnWidths(flow, table.columns, table.rows);
  const row = (cells: string[], header: boolean) => {
    const font = header ? flow.fonts.bold : flow.fonts.regular;
    const lines = widths.map((w, i) => {
      const all = wrap(cells[i] ?? '', font, SIZE, w - 2 * PAD);
      return all.length > MAX_CELL_LINES ? [...all.slice(0, MAX_CELL_LINES - 1), '…'] : all;
    });
    const height = Math.max(...lines.map((l) => l.length)) * LINE + 2 * PAD;
    const before = flow.page;
    flow.room(height);
    if (!header && flow.page !== before) drawHeader();
    const top = flow.y;
    if (header)
      flow.page.drawRectangle({
        x: PAGE.margin,
        y: top - height,
        width: CONTENT_WIDTH,
        height,
        color: HEADER_FILL,
      });
    let x = PAGE.margin;
    lines.forEach((cellLines, i) => {
      cellLines.forEach((text, n) => {
        flow.page.drawText(text, {
          x: x + PAD,
          y: top - PAD - (n + 1) * LINE + 2,
          size: SIZE,
          font,
          color: INK,
        });
      });
      x += widths[i] ?? 0;
    });
    flow.y = top - height;
    flow.page.drawLine({
      start: { x: PAGE.margin, y: flow.y },
      end: { x: PAGE.margin + CONTENT_WIDTH, y: flow.y },
      thickness: 0.5,
      color: RULE,
    });
  };
  const drawHeader = () => row(table.columns, true);
  drawHeader();
  for (const cells of table.rows) row(cells, false);
  flow.y -= 4;
  if (table.rows.length === 0) flow.text('(none)', { size: SIZE });
  flow.y -= 6;
}
