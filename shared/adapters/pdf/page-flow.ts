import { type PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import { winAnsiSafe } from './win-ansi.js';

/** A4 in points, with the margins every page keeps. */
export const PAGE = { width: 595.28, height: 841.89, margin: 50 } as const;
export const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
export const INK = rgb(0.1, 0.1, 0.12);
export const MUTED = rgb(0.4, 0.4, 0.45);
export const RULE = rgb(0.8, 0.8, 0.83);

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** One line of text to draw: already WinAnsi-safe and fitted to its width. */
export interface Line {
  text: string;
  font: PDFFont;
  size: number;
}

/**
 * Splits text into lines no wider than `width` at `size`: at spaces where it can,
 * inside a word only when one word is wider than the line. The text is made
 * WinAnsi-safe first, so any string a caller passes can be measured and drawn.
 */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of winAnsiSafe(text).split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      for (const c of word) {
        if (line && font.widthOfTextAtSize(line + c, size) > width) {
          lines.push(line);
          line = '';
        }
        line += c;
      }
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Where the next thing goes: the current page and the height left on it. Asking
 * for room that the page no longer has starts a new page, so tables and
 * paragraphs flow across pages without a caller counting lines.
 */
export class PageFlow {
  page!: PDFPage;
  /** Distance of the next baseline from the page bottom. */
  y = 0;
  /** Called on every new page after the first, e.g. to repeat a table header. */
  onNewPage: (() => void) | undefined;

  constructor(
    private readonly pdf: PDFDocument,
    readonly fonts: Fonts,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.pdf.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - PAGE.margin;
    this.onNewPage?.();
  }

  /** Makes sure `height` points fit above the bottom margin (plus room for the footer). */
  room(height: number): void {
    if (this.y - height < PAGE.margin + 12) this.newPage();
  }

  /** Draws wrapped text at `x`, flowing onto new pages as needed. */
  text(
    text: string,
    options: { font?: PDFFont; size?: number; x?: number; width?: number; gap?: number } = {},
  ): void {
    const font = options.font ?? this.fonts.regular;
    const size = options.size ?? 10;
    const x = options.x ?? PAGE.margin;
    for (const line of wrap(text, font, size, options.width ?? CONTENT_WIDTH)) {
      this.room(size * 1.4);
      this.y -= size * 1.4;
      this.page.drawText(line, { x, y: this.y, size, font, color: INK });
    }
    this.y -= options.gap ?? size * 0.6;
  }
}
