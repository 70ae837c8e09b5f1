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

const Counts = z.object({
  deleted: z.int().min(0).describe('past their period and deleted'),
  held: z.int().min(0).describe('past their period, kept under a legal hold'),
  eligibleNotDeleted: z
    .int()
    .min(0)
    .describe(
      'past their period, kept on purpose (chained and sealed records; a note’s newest delivery record)',
    ),
});

export const RetentionReport = z
  .object({
    cell: z.string(),
    at: instant,
    trigger: z.string().describe('`schedule`, or `him:<user>` for a run a privacy officer started'),
    classes: z.object({
      noteAfterDelivery: Counts,
      parkedNote: Counts,
      outboxHistory: Counts,
      ledger: Counts,
      audit: Counts,
      digests: Counts,
    }),
    uncounted: z
      .array(z.string())
      .describe('classes the run does not count (digests live outside the table)'),
    skippedNotes: z.int().min(0).describe('notes left for the next run: their delivery moved on meanwhile'),
  })
  .meta({
    id: 'RetentionReport',
    description: 'What one retention run did, by record class: no patient data',
  });

export const RetentionRuns = z.object({ runs: z.array(RetentionReport) }).meta({ id: 'RetentionRuns' });

export const RetentionRequested = z
  .object({ requestedBy: z.string(), requestedAt: instant })
  .meta({ id: 'RetentionRequested' });
