import * as z from 'zod';
import { AppError } from '../../shared/domain/errors.js';
import { type HttpEvent, header } from '../../shared/http/apigw.js';
import type { IdGenerator } from '../../shared/ports/ids.js';

/** The request header naming the HIM action a call belongs to (docs/api.md). */
export const ACTION_HEADER = 'x-him-action';

/** The header as the published OpenAPI describes it (one optional header parameter). */
export const ActionHeaders = z.object({
  'X-HIM-Action': z
    .uuid()
    .optional()
    .describe(
      'The HIM action this call belongs to: a client sends one UUID on every call of one user action, to every cell it reaches; the audit entry records it as `actionId`. Absent: the cell makes one.',
    ),
});

/**
 * The action id of an HIM call: the `X-HIM-Action` header in lower case, or a new
 * id when the caller sent none (each such call is then an action of its own).
 *
 * @throws AppError('invalid-action-id') when the header is present but not a UUID.
 */
export function actionIdOf(event: Pick<HttpEvent, 'headers'>, ids: IdGenerator): string {
  const sent = header(event, ACTION_HEADER);
  if (sent === undefined) return ids.next();
  if (!ActionHeaders.shape['X-HIM-Action'].safeParse(sent).success)
    throw new AppError('invalid-action-id', `the ${ACTION_HEADER} header must be a UUID, or be left out`, {
      header: 'X-HIM-Action',
    });
  return sent.toLowerCase();
}
