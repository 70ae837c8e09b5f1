import * as z from 'zod';
import { HIM_ROLE_NAMES } from '../../shared/domain/audit/entry.js';
import { VisitNoteEvent } from '../../shared/domain/event/schema.js';
import { LedgerEntrySchema } from '../../shared/domain/ledger/entry.js';
import { REVIEW_STATES } from '../../shared/domain/review/review.js';

/**
 * The JSON bodies the HIM API answers with, as zod schemas the published
 * OpenAPI is generated from (`doc.response` of each route). A contract test
 * checks real answers against them.
 */

const nextCursor = z.string().optional().describe('Pass as `cursor` for the next page; absent on the last');
const instant = z.string().describe('ISO 8601 instant');

export const WhoAmI = z
  .object({
    user: z.string().describe('The token subject'),
    roles: z.array(z.enum(HIM_ROLE_NAMES)),
    cell: z.string(),
    jurisdiction: z.string(),
  })
  .meta({ id: 'WhoAmI' });

export const ReviewStatus = z
  .object({
    ref: z.string().describe('the entry’s position `<shard>:<seq>`'),
    state: z.enum(REVIEW_STATES),
    version: z.int().min(0).describe('review events so far'),
    at: instant.optional(),
    by: z.string().optional(),
  })
  .meta({
    id: 'ReviewStatus',
    description: 'Where a movement stands in HIM review (kept beside the ledger)',
  });
const LedgerEntry = LedgerEntrySchema.meta({
  id: 'LedgerEntry',
  description: 'A transfers ledger entry as sealed: no PHI in clear (the patient is a keyed hash)',
});
const ReviewedEntry = z.object({ ...LedgerEntrySchema.shape, review: ReviewStatus }).meta({
  id: 'ReviewedLedgerEntry',
  description: 'A ledger entry with its review status, kept beside the ledger',
});
export const LedgerPage = z
  .object({
    entries: z.array(LedgerEntry),
    reviews: z
      .record(z.string(), ReviewStatus)
      .describe(
        'each entry’s review status by its position `<shard>:<seq>` (kept beside the ledger, not in it)',
      ),
    nextCursor,
  })
  .meta({ id: 'LedgerPage' });

const ReviewEvent = z
  .object({
    ref: z.string(),
    version: z.int().min(1),
    from: z.enum(REVIEW_STATES),
    to: z.enum(REVIEW_STATES),
    at: instant,
    by: z.string(),
    role: z.enum(HIM_ROLE_NAMES),
    comment: z.string().optional(),
  })
  .meta({ id: 'ReviewEvent', description: 'One review change, kept as the movement’s history' });
export const Reviews = z.object({ reviews: z.array(ReviewStatus) }).meta({ id: 'Reviews' });
export const ReviewHistory = z
  .object({ entry: ReviewedEntry, events: z.array(ReviewEvent) })
  .meta({ id: 'ReviewHistory' });
const StateCounts = Object.fromEntries(REVIEW_STATES.map((s) => [s, z.int().min(0)])) as Record<
  (typeof REVIEW_STATES)[number],
  z.ZodInt
>;
export const ReviewQueue = z
  .object({
    entries: z.array(ReviewedEntry),
    counts: z.array(z.object({ corridor: z.string(), ...StateCounts })),
    scanned: z.int().min(0),
    truncated: z.boolean().describe('more entries were in the period than one call looks through: narrow it'),
  })
  .meta({
    id: 'ReviewQueue',
    description: 'Movements to review, oldest first, with counts by corridor and state',
  });

const AuditEntry = z
  .object({
    at: instant,
    actor: z.string(),
    role: z.string(),
    action: z.string(),
    actionId: z
      .string()
      .optional()
      .describe('the HIM action the call belonged to (`X-HIM-Action`); absent on older entries'),
    target: z.string(),
    purpose: z.string().optional().describe('why PHI was read, on PHI routes'),
    patientRef: z
      .string()
      .optional()
      .describe('whose record a PHI route read or reported on, as the keyed `pt_…` reference'),
    viewerCountry: z
      .string()
      .optional()
      .describe('where the viewer was (ISO 3166-1 alpha-2), on PHI routes when the token said'),
    sourceIp: z.string(),
    outcome: z.string().describe('`ok`, or the problem code the request ended with'),
    shard: z.int().min(0),
    seq: z.int().min(1),
    prevHash: z.string(),
    entryHash: z.string(),
  })
  .meta({ id: 'AuditEntry', description: 'One HIM action, chained into the cell’s audit log' });
export const AuditPage = z.object({ entries: z.array(AuditEntry), nextCursor }).meta({ id: 'AuditPage' });

const ShardHead = z.object({ shard: z.int().min(0), seq: z.int().min(0), hash: z.string() });

export const SealReport = z
  .object({
    ok: z.boolean(),
    chain: z.enum(['ledger', 'audit']),
    cell: z.string(),
    checkedAt: instant,
    digests: z.object({
      ok: z.boolean(),
      count: z.int().min(0),
      latest: z.object({ seq: z.int().min(1), at: instant, keyId: z.string() }).optional(),
      problem: z.string().optional(),
    }),
    shards: z.array(
      z.object({
        shard: z.int().min(0),
        ok: z.boolean(),
        count: z.int().min(0),
        sealed: z.int().min(0),
        unsealed: z.int().min(0),
        firstBadSeq: z.int().optional(),
        problem: z.string().optional().describe('edited, deleted, inserted, reordered, rewritten, …'),
        detail: z.string().optional(),
      }),
    ),
    unsealed: z.object({
      ok: z.boolean(),
      count: z.int().min(0),
      oldestAt: instant.optional(),
      mustBeSealedBy: instant.optional(),
    }),
    strays: z.array(z.object({ key: z.string(), reason: z.string() })),
    problems: z.array(z.string()).describe('Every failure, the first bad item first; empty when ok'),
  })
  .meta({ id: 'SealReport' });

export const IntegrityReport = z
  .object({ ledger: SealReport, audit: SealReport })
  .meta({ id: 'IntegrityReport', description: 'The ledger and the audit log of a cell, each verified' });

export const SealSummary = z
  .object({
    chain: z.enum(['ledger', 'audit']),
    cell: z.string(),
    seq: z.int().min(1),
    at: instant,
    keyId: z.string(),
    shards: z.array(ShardHead),
    newlySealed: z.int().min(0),
  })
  .meta({ id: 'SealSummary' });

export const DigestObjects = z
  .object({
    objects: z.array(
      z.object({
        name: z.string().describe('<12-digit digest seq>.json'),
        body: z.string().describe('The signed digest as stored, byte for byte'),
      }),
    ),
  })
  .meta({ id: 'DigestObjects' });

export const DigestPublicKey = z
  .object({ keyId: z.string(), publicKeyPem: z.string().describe('SPKI PEM of the ECDSA P-256 key') })
  .meta({ id: 'DigestPublicKey' });

export const CorridorSummary = z
  .object({
    rows: z.array(
      z.object({
        day: z.string().describe('UTC day, YYYY-MM-DD'),
        from: z.string(),
        to: z.string(),
        kind: z.string(),
        mechanism: z.string().nullable(),
        decision: z.enum(['allowed', 'denied']),
        count: z.int().min(1),
      }),
    ),
  })
  .meta({ id: 'CorridorSummary' });

const StepRecord = z.object({
  at: instant,
  step: z.string(),
  outcome: z.string(),
  httpStatus: z.int().optional(),
  durationMs: z.number(),
});
const DeliverySummary = z
  .object({
    senderId: z.string(),
    noteId: z.string(),
    version: z.int().min(1),
    eventKind: z.enum(['finalized', 'amended', 'retracted']),
    state: z.enum(['pending', 'retrying', 'waiting', 'delivered', 'parked']),
    ehrTarget: z.string(),
    attempts: z.int().min(0),
    lastAttempt: StepRecord.optional(),
    parkReason: z.string().optional(),
    parkedAt: instant.optional(),
    operationOutcome: z
      .array(
        z.object({
          severity: z.string(),
          code: z.string(),
          detailCodes: z.array(z.string()),
          expression: z.array(z.string()),
        }),
      )
      .optional()
      .describe("The EHR's OperationOutcome, reduced to codes and paths"),
    receivedAt: instant,
    updatedAt: instant.optional(),
  })
  .meta({ id: 'DeliverySummary', description: 'A delivery as the HIM sees it: ids, states, counts; no PHI' });
export const DeliveryPage = z
  .object({ items: z.array(DeliverySummary), nextCursor })
  .meta({ id: 'DeliveryPage' });
export const DeliveryDetail = DeliverySummary.extend({ history: z.array(StepRecord) }).meta({
  id: 'DeliveryDetail',
});

export const ReplayRangeResult = z
  .union([
    z.object({ count: z.int().min(0).describe('Dry run: parked deliveries in the range') }),
    z.object({
      requeued: z.int().min(0),
      denied: z.int().min(0),
      expired: z
        .int()
        .min(0)
        .describe('parked deliveries whose note the retention schedule has removed: not replayed'),
    }),
  ])
  .meta({ id: 'ReplayRangeResult' });
export const Requeued = z.object({ requeued: z.literal(true) }).meta({ id: 'Requeued' });

export const NoteView = z
  .object({ noteId: z.string(), version: z.int().min(1), event: VisitNoteEvent })
  .meta({ id: 'NoteView', description: 'The decrypted note event (PHI): every view is audited' });

const Place = z.object({ country: z.string(), cell: z.string() });
export const DisclosureReport = z
  .object({
    cell: z.string(),
    jurisdiction: z.string(),
    patientRef: z
      .string()
      .describe('the keyed reference of the identifier given; the identifier is not kept'),
    period: z.object({ from: instant, to: instant }),
    generatedAt: instant,
    movements: z.array(
      z.object({
        at: instant,
        transferId: z.string(),
        kind: z.string(),
        decision: z.enum(['allowed', 'denied']),
        corridor: z.string().describe('`<source cell>:<destination cell>`'),
        source: Place,
        destination: Place,
        recipient: z.object({ organization: z.string().optional(), ehrTarget: z.string().optional() }),
        mechanism: z
          .object({ type: z.string(), reference: z.string().optional(), expires: z.string().optional() })
          .nullable(),
        purpose: z.string(),
        dataCategories: z.array(z.string()),
        noteId: z.string().nullable(),
        noteVersion: z.int().nullable(),
      }),
    ),
    accesses: z.array(
      z.object({
        at: instant,
        actor: z.string(),
        role: z.string(),
        action: z.string(),
        purpose: z.string().nullable(),
        viewerCountry: z.string().nullable().describe('where the reader was, as the token said'),
        outcome: z.string(),
        target: z.string().describe('the note event read, as ids'),
      }),
    ),
  })
  .meta({
    id: 'DisclosureReport',
    description:
      'Every movement of one patient’s notes and every PHI access to them in a period (HIPAA 164.528, GDPR Art. 15)',
  });
