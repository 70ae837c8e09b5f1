import * as z from 'zod';
import { MOVEMENT_KINDS } from '../policy/model.js';

/** `Date.prototype.toISOString()` form: fixed width, so entries sort by time as strings. */
const IsoInstant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'must be Date.toISOString() output');
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest');
const Place = z.object({
  country: z.string().regex(/^[A-Z]{2}$/),
  /** Cell (jurisdiction id) that holds or receives the data. */
  cell: z.string().min(1),
});

/** What the ledger records: the movements the policy decides, and erasures (GDPR Art. 17) of a patient's notes. */
export const LEDGER_KINDS = [...MOVEMENT_KINDS, 'erasure'] as const;

/**
 * What the caller supplies for one ledger entry. Carries no PHI in clear: the
 * patient is a keyed hash, the note only its id and version.
 */
export const UnsealedEntrySchema = z.object({
  transferId: z.string().min(1).max(128),
  at: IsoInstant,
  kind: z.enum(LEDGER_KINDS),
  decision: z.enum(['allowed', 'denied']),
  source: Place,
  destination: Place,
  recipient: z.object({
    organization: z.string().min(1).optional(),
    ehrTarget: z.string().min(1).optional(),
  }),
  purpose: z.string().min(1).max(128),
  /** E.g. `['health-data', 'loinc:11506-3']`. */
  dataCategories: z.array(z.string().min(1)).min(1),
  mechanism: z
    .object({
      type: z.string().min(1),
      reference: z.string().min(1).optional(),
      expires: z.string().optional(),
    })
    .nullable(),
  /** Policy rule that decided, or null for a built-in guard (default deny, strict localisation, …). */
  ruleId: z.string().min(1).nullable(),
  reason: z.string().min(1).max(1000),
  safeguards: z.object({
    keyId: z.string().min(1),
    keyRegion: z.string().min(1),
    pseudonymised: z.literal(true),
  }),
  /** Keyed hash of the patient identity with the cell-local pseudonymisation key. */
  patientRef: z.string().min(16).max(256),
  noteId: z.string().min(1).nullable(),
  noteVersion: z.int().min(1).nullable(),
  /** Who caused the movement, e.g. `sender:acme`, `system:deliver`, `him:<subject>`. */
  actor: z.string().min(1).max(256),
});
export type UnsealedEntry = z.infer<typeof UnsealedEntrySchema>;

/** A chained entry: its shard, position and hashes. */
export const LedgerEntrySchema = UnsealedEntrySchema.extend({
  shard: z.int().min(0),
  seq: z.int().min(1),
  prevHash: Sha256Hex,
  entryHash: Sha256Hex,
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

/** Where a shard's chain ends: its last seq and that entry's hash (seq 0 and GENESIS_HASH when empty). */
export interface ShardHead {
  shard: number;
  seq: number;
  hash: string;
}

/** prevHash of the first entry of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** The movement kinds (re-exported for ledger callers). */
export type LedgerKind = UnsealedEntry['kind'];
