import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { himOpenApiPaths } from '../functions/him-api/openapi.js';
import { eventJsonSchema, openApiDocument } from '../shared/http/openapi.js';

/** Writes the published contract files, generated from the zod schemas (never edited by hand). */
const out = resolve(process.argv[2] ?? 'schemas');
await mkdir(out, { recursive: true });
await writeFile(
  resolve(out, 'visit-note-event.v1.schema.json'),
  `${JSON.stringify(eventJsonSchema(), null, 2)}\n`,
);
await writeFile(
  resolve(out, 'openapi.json'),
  `${JSON.stringify(openApiDocument(himOpenApiPaths()), null, 2)}\n`,
);
console.log(`wrote ${out}/visit-note-event.v1.schema.json and ${out}/openapi.json`);
