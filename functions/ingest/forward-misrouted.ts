import { AppError } from '../../shared/domain/errors.js';
import { decideMovementEntry, type KeyRef } from '../../shared/domain/ledger/movement-entry.js';
import type { Jurisdiction, ResidencyPolicy } from '../../shared/domain/policy/model.js';
import { jurisdictionById } from '../../shared/domain/policy/parse.js';
import { regionCountry } from '../../shared/domain/policy/regions.js';
import type { IdGenerator } from '../../shared/ports/ids.js';
import type { LedgerStore } from '../../shared/ports/ledger.js';
import type { MisroutedHandler } from './accept-note.js';
import type { Forwarder } from './forward-client.js';
import { denialExtensions } from './movement-entry.js';

export interface ForwardMisroutedOptions {
  policy: ResidencyPolicy;
  /** This cell's id (a jurisdiction of the policy). */
  cell: string;
  /** Every cell's public base URL, with trailing slashes. */
  cellEndpoints: Record<string, string>;
  ledger: Pick<LedgerStore, 'append' | 'appendOnce' | 'recordedMovement'>;
  /** Keyed hash of a raw body (the pseudonymiser's), to tell a repeat from a reused webhook-id. */
  bodyHash: (body: string) => string;
  /** This cell's wrapping key, named in denied entries. */
  key: KeyRef;
  /** Transfer ids of the entries. */
  ids: IdGenerator;
  forward: Forwarder;
}

/** The home cell's forwarded route for a sender. */
export const forwardedUrl = (base: string, senderId: string): URL =>
  new URL(`v1/forwarded/${encodeURIComponent(senderId)}`, base);

/**
 * `forward` misrouting: a note whose patient lives in another cell is sent on
 * to that cell when the policy allows the `forward` movement, and this cell
 * keeps no PHI, only a PHI-free ledger entry once the home cell has answered
 * 200/202. The home cell's answer (receipt or problem) is returned unchanged.
 *
 * @throws Error at construction when this cell or a cell's endpoint is missing.
 * @throws AppError('transfer-denied') when the policy denies the forward (the
 *   denied attempt is appended to this cell's ledger); the home cell's problem
 *   when it refuses; AppError('forward-failed') when it cannot be reached.
 */
export function forwardMisrouted(options: ForwardMisroutedOptions): MisroutedHandler {
  const { policy, cell } = options;
  const here = jurisdictionById(policy, cell);
  if (!here) throw new Error(`cell "${cell}" is not a jurisdiction of the residency policy`);
  const missing = policy.jurisdictions.filter((j) => !options.cellEndpoints[j.id]).map((j) => j.id);
  if (missing.length) throw new Error(`CELL_ENDPOINTS has no URL for cell(s) ${missing.join(', ')}`);

  return async ({ event, webhook, homeCell, organization, patientRef, at }) => {
    // Idempotent on the webhook-id: a repeat is answered from the record of the first
    // forward, so the note does not cross again and the ledger holds one entry.
    const onceKey = `forward#${webhook.sender.id}#${webhook.webhookId}`;
    const bodyHash = options.bodyHash(webhook.body);
    const earlier = await options.ledger.recordedMovement(onceKey);
    if (earlier) {
      if (earlier.bodyHash !== bodyHash) {
        throw new AppError('webhook-id-reused', 'this webhook-id was already used for a different body');
      }
      return { status: 200, receipt: earlier.receipt };
    }
    const home = jurisdictionById(policy, homeCell);
    if (!home) throw new AppError('internal', `home cell "${homeCell}" is not in the policy`);
    const source = { country: sourceCountry(here, event.clinician.locationCountry), cell };
    const destination = { country: event.patient.residenceCountry, cell: homeCell };
    const { decision, entry: entryFor } = decideMovementEntry(policy, {
      ids: options.ids,
      kind: 'forward',
      at,
      source,
      destination,
      event,
      organization,
      patientRef,
      senderId: webhook.sender.id,
    });
    if (decision.decision === 'denied') {
      await options.ledger.append([entryFor(options.key)]);
      throw new AppError(
        'transfer-denied',
        `the patient's residence country belongs to cell "${homeCell}" and the residency policy does not allow forwarding this note there: ${decision.reason}. Nothing was stored`,
        denialExtensions('forward', decision, source, destination),
      );
    }
    const result = await options.forward({
      url: forwardedUrl(options.cellEndpoints[homeCell] as string, webhook.sender.id),
      webhookId: webhook.webhookId,
      body: webhook.body,
      fromCell: cell,
    });
    // The note now rests under the home cell's key, in the home cell's region. A concurrent
    // repeat that forwarded too finds the record taken and writes nothing.
    await options.ledger.appendOnce(onceKey, [entryFor({ id: `cell-key:${home.id}`, region: home.region })], {
      bodyHash,
      receipt: result.receipt,
    });
    return result;
  };
}

/**
 * Where the note leaves from: the clinician's country when it is in this cell, else the country hosting
 * the cell's region (the policy accepts only regions whose country is known).
 */
function sourceCountry(here: Jurisdiction, clinicianCountry: string): string {
  return here.countries.includes(clinicianCountry)
    ? clinicianCountry
    : (regionCountry(here.region) as string);
}
