import * as z from 'zod';

/** The JSON bodies of the records-lifecycle routes (legal holds, retention runs), for the published OpenAPI. */

const instant = z.string().describe('ISO 8601 instant');

export const LegalHold = z
  .object({
    holdId: z.string(),
    scope: z.enum(['patient', 'organization']),
    subject: z.string().describe('`pt_…` (the cell’s keyed patient reference) or an organization id'),
    reason: z.string().describe('a matter or case reference; no PHI'),
    placedBy: z.string(),
    placedAt: instant,
    releasedBy: z.string().optional(),
    releasedAt: instant.optional(),
  })
  .meta({
    id: 'LegalHold',
    description: 'A legal hold: while active, nothing it covers is deleted or erased',
  });

export const HoldList = z.object({ holds: z.array(LegalHold) }).meta({ id: 'HoldList' });
