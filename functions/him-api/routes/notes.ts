import * as Body from '../responses.js';
import { type HimRoute, json, key, NotePath, P, target } from '../route-kit.js';
import { purposeOf, ViewQuery, viewNote } from '../use-cases/notes.js';

/** Viewing a note (PHI). */
export const NOTE_ROUTES: readonly HimRoute[] = [
  {
    method: 'GET',
    path: 'notes/{senderId}/{noteId}/{version}',
    doc: {
      operationId: 'viewNote',
      summary: 'View a note (decrypts; writes a PHI-access audit entry)',
      path: NotePath,
      query: ViewQuery,
      response: { schema: Body.NoteView },
      errors: ['not-found', 'note-erased', 'transfer-denied', 'viewer-country-unknown'],
    },
    roles: [P],
    action: 'notes.view',
    target,
    purpose: (req) => purposeOf(req.query),
    run: json(200, (req) =>
      viewNote(req.deps, req.principal, key(req), req.query, (ref) => {
        req.patientRef = ref;
      }),
    ),
  },
];
