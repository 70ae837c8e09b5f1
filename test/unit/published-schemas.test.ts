import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { cellApiDocument } from '../../functions/openapi.js';
import { eventJsonSchema } from '../../shared/http/openapi.js';

const published = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8'));

const GENERATED: Array<[file: string, generate: () => unknown]> = [
  ['visit-note-event.v1.schema.json', eventJsonSchema],
  ['openapi.json', () => cellApiDocument()],
];

describe('published contract files', () => {
  it('hold exactly what the zod schemas and route tables generate', () => {
    // Act
    const stale = GENERATED.filter(([file, generate]) => !isDeepStrictEqual(published(file), generate()));
    // Assess
    expect(stale.map(([file]) => `schemas/${file} is stale: run \`npm run schema\` and commit it`)).toEqual(
      [],
    );
  });
});
