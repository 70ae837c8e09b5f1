import type { NoteEventKind } from '../../shared/domain/delivery/outbox-item.js';
import { AppError } from '../../shared/domain/errors.js';
import { assertEventQuality } from '../../shared/domain/event/quality.js';
import { fieldErrors, type Receipt, VisitNoteEvent } from '../../shared/domain/event/schema.js';
import { canonicalJson } from '../../shared/domain/ledger/canonical.js';
import type { Organization, ResidencyPolicy } from '../../shared/domain/policy/model.js';
import { jurisdictionOfCountry } from '../../shared/domain/policy/parse.js';
import type { VerifiedWebhook } from '../../shared/http/middleware/verify-webhook.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { NoteEncryptor } from '../../shared/ports/note-encryptor.js';
import type { NoteStore, PendingLedgerEntry } from '../../shared/ports/note-store.js';
import type { Pseudonymizer } from '../../shared/ports/pseudonymizer.js';
import { deliveryStatusPath } from './delivery-status.js';

/** Everything the ingest use case needs; built once per cold start by deps.ts. */
export interface IngestDeps {
  cell: string;
  policy: ResidencyPolicy;
  store: NoteStore;
  encryptor: NoteEncryptor;
  pseudonymizer: Pseudonymizer;
  clock: Clock;
  /** This cell's public base URL, with a trailing slash. */
  publicBaseUrl: string;
  /** Every cell's public base URL, with trailing slashes. */
  cellEndpoints: Record<string, string>;
  /** Decides what happens to a note whose home is another cell (forward or refuse). */
  misrouted: MisroutedHandler;
  /** Ledger entries for movements into this cell (clinician abroad), written with the note; may refuse. */
  inboundMovements: InboundMovements;
}

/** What a movement decision needs to know besides the event (all PHI-free). */
export interface MovementContext {
  cell: string;
  senderId: string;
  /** Keyed hash of the patient with this cell's pseudonymisation key. */
  patientRef: string;
  /** The policy's organisation the note is for (the recipient). */
  organization: Organization;
  at: Date;
}

/**
 * The ledger entries of a note's movement into this cell.
 *
 * @throws AppError('transfer-denied') when the policy denies it.
 */
export type InboundMovements = (event: VisitNoteEvent, ctx: MovementContext) => Promise<PendingLedgerEntry[]>;

export type MisroutedHandler = (
  input: MovementContext & {
    event: VisitNoteEvent;
    webhook: VerifiedWebhook;
    homeCell: string;
  },
) => Promise<IngestResult>;

export interface IngestResult {
  status: 200 | 202;
  receipt: Receipt;
}

const EVENT_KINDS: Record<VisitNoteEvent['type'], NoteEventKind> = {
  'visit.note.finalized': 'finalized',
  'visit.note.amended': 'amended',
  'visit.note.retracted': 'retracted',
};

/**
 * Accepts one verified webhook: idempotency by `webhook-id`, schema, residency
 * (a note of another cell goes to `misrouted`; a note written abroad needs an
 * allowed inbound movement), encryption, one atomic write of note, outbox,
 * `webhook-id` record and ledger entries. Throws AppError for every refusal;
 * nothing is stored unless the whole note is accepted (a denied movement leaves
 * only its ledger entry).
 */
export async function acceptNote(deps: IngestDeps, webhook: VerifiedWebhook): Promise<IngestResult> {
  // A redelivered webhook-id is recognised by the transaction's condition on its
  // record (no read before every write); the stored receipt is returned then.
  const bodyHash = deps.pseudonymizer.hash('body', webhook.body);
  const event = parseEvent(webhook.body);
  assertEventQuality(event, deps.clock.now());
  const allowed = webhook.sender.organizations;
  if (allowed && !allowed.includes(event.organization.id)) {
    throw new AppError(
      'organization-not-allowed',
      `sender "${webhook.sender.id}" may not post for organization "${event.organization.id}"`,
    );
  }
  const organization = deps.policy.organizations.find((o) => o.id === event.organization.id);
  if (!organization) {
    throw new AppError(
      'unknown-organization',
      `organization "${event.organization.id}" has no EHR target in the residency policy`,
    );
  }
  const home = homeJurisdiction(deps.policy, event.patient.residenceCountry);
  const now = deps.clock.now();
  const movement: MovementContext = {
    cell: deps.cell,
    senderId: webhook.sender.id,
    patientRef: deps.pseudonymizer.patientRef(event.patient.identifiers),
    organization,
    at: now,
  };
  if (home !== deps.cell) return deps.misrouted({ ...movement, event, webhook, homeCell: home });

  const { patientRef } = movement;
  const ledgerEntries = await deps.inboundMovements(event, movement);
  const binding = {
    cell: deps.cell,
    tenant: event.organization.id,
    senderId: webhook.sender.id,
    noteId: event.note.id,
    version: event.note.version,
    patientRef,
  };
  const sealed = await deps.encryptor.encrypt(event, binding);
  const receipt: Receipt = {
    noteId: event.note.id,
    version: event.note.version,
    cell: deps.cell,
    receivedAt: now.toISOString(),
    deliveryStatusUrl: new URL(
      deliveryStatusPath(deps.pseudonymizer, webhook.sender.id, event.note.id, event.note.version),
      deps.publicBaseUrl,
    ).toString(),
  };
  const outcome = await deps.store.accept({
    bodyHash,
    ledgerEntries,
    record: {
      ...binding,
      eventKind: EVENT_KINDS[event.type],
      contentHash: deps.pseudonymizer.hash('content', canonicalJson(event)),
      patientRef,
      encounterRef: deps.pseudonymizer.hash('encounter', `${webhook.sender.id}|${event.visit.id}`),
      ehrTarget: organization.ehrTarget,
      loincType: event.note.loincType,
      ciphertext: sealed.ciphertext,
      keyId: sealed.keyId,
      patientKeyId: sealed.patientKeyId,
      webhookId: webhook.webhookId,
      receipt,
    },
  });
  if (outcome.status === 'accepted') return { status: 202, receipt: outcome.receipt };
  if (outcome.status === 'duplicate') return { status: 200, receipt: outcome.receipt };
  return repeatOf(false, receipt, outcome.reason);
}

function repeatOf(
  same: boolean,
  receipt: Receipt,
  conflict: 'webhook-id-reused' | 'version-conflict',
): IngestResult {
  if (same) return { status: 200, receipt };
  if (conflict === 'webhook-id-reused') {
    throw new AppError(
      'webhook-id-reused',
      'this webhook-id was already used for a different body; use a new webhook-id for a new message',
    );
  }
  throw new AppError(
    'version-conflict',
    'this note version was already received with different content; send an amendment with a higher note.version',
    { noteId: receipt.noteId, version: receipt.version },
  );
}

function parseEvent(body: string): VisitNoteEvent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new AppError('invalid-json', 'the body is not valid JSON');
  }
  const parsed = VisitNoteEvent.safeParse(json);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    throw new AppError('invalid-event', `${errors.length} field(s) do not match the v1 event schema`, {
      errors,
    });
  }
  return parsed.data;
}

function homeJurisdiction(policy: ResidencyPolicy, country: string): string {
  const home = jurisdictionOfCountry(policy, country);
  if (!home) {
    throw new AppError(
      'unknown-country',
      `patient.residenceCountry "${country}" belongs to no jurisdiction of the residency policy`,
      {
        errors: [{ path: 'patient.residenceCountry', message: 'no jurisdiction holds this country' }],
      },
    );
  }
  return home.id;
}
