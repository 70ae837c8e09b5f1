import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * The text of every page of a PDF, in reading order, pages separated by a form
 * feed, lines by newlines: what a test searches for a report's sections. Parsing
 * with pdf.js (an independent reader) also proves the file is a well-formed PDF.
 *
 * @throws when the bytes are not a PDF pdf.js can read.
 */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  const pages: string[] = [];
  try {
    for (let n = 1; n <= pdf.numPages; n++) {
      const content = await (await pdf.getPage(n)).getTextContent();
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str + (item.hasEOL ? '\n' : ' ');
      }
      pages.push(text);
    }
  } finally {
    await pdf.destroy();
  }
  return pages.join('\f');
}
