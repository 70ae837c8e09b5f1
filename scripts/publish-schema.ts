import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { cellApiDocument } from '../functions/openapi.js';
import { eventJsonSchema } from '../shared/http/openapi.js';
import { PROBLEMS_DOC, problemsMarkdown } from './problems-doc.js';

/**
 * Writes the published contract files, generated from the zod schemas and route
 * tables, and the problem types page, generated from the problem table (never
 * edited by hand).
 */
const out = resolve(process.argv[2] ?? 'schemas');
await mkdir(out, { recursive: true });
await writeFile(
  resolve(out, 'visit-note-event.v1.schema.json'),
  `${JSON.stringify(eventJsonSchema(), null, 2)}\n`,
);
await writeFile(resolve(out, 'openapi.json'), `${JSON.stringify(cellApiDocument(), null, 2)}\n`);
await writeFile(resolve(PROBLEMS_DOC), problemsMarkdown());
console.log(`wrote ${out}/visit-note-event.v1.schema.json, ${out}/openapi.json and ${PROBLEMS_DOC}`);
