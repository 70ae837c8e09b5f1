import { rgb } from 'pdf-lib';
import { CONTENT_WIDTH, INK, PAGE, type PageFlow, RULE, wrap } from './page-flow.js';

const SIZE = 8;
const LINE = SIZE * 1.3;
const PAD = 3;
/** A cell longer than this many lines is cut (with `…`): a row must fit on one page. */
const MAX_CELL_LINES = 24;
const MIN_COLUMN = 36;
const HEADER_FILL = rgb(0.92, 0.93, 0.95);

/**
 * Column widths: each column's widest text (capped), scaled down to the page width
 * when they do not fit, never under a minimum.
 */
function columnWidths(flow: PageFlow, columns: string[], rows: string[][]): number[] {
  const natural = columns.map((c, i) => {
    const cells = [c, ...rows.map((r) => r[i] ?? '')];
    const widest = Math.max(
      ...cells.map((t) =>
        flow.fonts.bold.widthOfTextAtSize(wrap(t, flow.fonts.bold, SIZE, 1e6)[0] ?? '', SIZE),
      ),
    );
    return Math.max(MIN_COLUMN, Math.min(widest + 2 * PAD, 220));
  });
  const total = natural.reduce((a, b) => a + b, 0);
  const scale = total > CONTENT_WIDTH ? CONTENT_WIDTH / total : 1;
  return natural.map((w) => w * scale);
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
