/**
 * A report the cell hands to people outside it (a disclosure letter, an evidence
 * report, an erasure certificate): headings, paragraphs, tables and bar charts, as
 * plain data. Text may hold anything: renderers draw it safely.
 */
export interface ReportDocument {
  title: string;
  subtitle?: string;
  /** ISO instant, printed on every page. */
  generatedAt: string;
  sections: Array<{
    heading: string;
    paragraphs?: string[];
    table?: { columns: string[]; rows: string[][] };
    chart?: { title: string; labels: string[]; series: Array<{ name: string; values: number[] }> };
  }>;
}

/**
 * Turns a report into a PDF. In process locally and in tests (pdf-lib); in AWS the
 * HIM API asks the cell's documents function, since pdf-lib would take the API's
 * bundle past its size budget (docs/evidence.md).
 */
export interface ReportRenderer {
  /** @throws AppError('storage-unavailable') when a remote renderer cannot be reached. */
  render(doc: ReportDocument): Promise<Uint8Array>;
}
