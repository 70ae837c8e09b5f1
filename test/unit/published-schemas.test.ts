import { readFileSync } from 'node:fs';
import { himOpenApiPaths } from '../../functions/him-api/openapi.js';
import { eventJsonSchema, openApiDocument } from '../../shared/http/openapi.js';

const published = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8'));

describe('published contract files', () => {
  it('hold exactly what the zod schemas and route tables generate (run npm run schema after a change)', () => {
    expect(published('visit-note-event.v1.schema.json')).toEqual(eventJsonSchema());
    expect(published('openapi.json')).toEqual(openApiDocument(himOpenApiPaths()));
  });

  it('document every HIM route with the roles allowed to call it', () => {
    const paths = openApiDocument(himOpenApiPaths()).paths as Record<
      string,
      Record<string, { 'x-roles': string[] }>
    >;
    expect(paths['/v1/him/notes/{senderId}/{noteId}/{version}']?.get?.['x-roles']).toEqual([
      'privacy-officer',
    ]);
    expect(paths['/v1/him/deliveries/{senderId}/{noteId}/{version}/replay']?.post?.['x-roles']).toEqual([
      'integration-admin',
    ]);
  });
});
