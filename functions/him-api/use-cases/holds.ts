import * as z from 'zod';
import { AppError } from '../../../shared/domain/errors.js';
import { HOLD_REASON_MAX, holdReasonProblem, isActive } from '../../../shared/domain/holds/hold.js';
import type { LegalHold } from '../../../shared/ports/legal-holds.js';
import type { Principal } from '../auth.js';
import { PatientIdentifier, parseInput } from '../query.js';
import type { HimDeps } from './context.js';
import { requireCompletePatientIndex } from './patient-index.js';

const Reason = z
  .string()
  .max(HOLD_REASON_MAX)
  .superRefine((reason, ctx) => {
    const problem = holdReasonProblem(reason);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('a matter or case reference, e.g. `Matter LIT-2026-14`: no PHI, no control characters');

export const PlaceHoldBody = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('patient'), patient: PatientIdentifier, reason: Reason }),
  z.object({
    scope: z.literal('organization'),
    organization: z.string().min(1).max(128).describe('an organization id of the residency policy'),
    reason: Reason,
  }),
]);
export const HoldPath = z.object({ holdId: z.uuid('must be a hold id (a UUID)') });
export const HoldsQuery = z.object({
  state: z.enum(['active', 'released']).optional().describe('every hold when absent'),
});

const bodyProblem = (path: string, message: string) =>
  new AppError('invalid-query', `1 body field(s) not valid: ${path}: ${message}`, {
    errors: [{ path, message }],
  });

/**
 * A privacy officer places a legal hold on a patient or an organisation: nothing
 * it covers is deleted by retention or erased until it is released. The patient is
 * kept as the cell's keyed reference (`pt_…`) only.
 *
 * @throws AppError('invalid-query') for a bad body (a reason with PHI-like or control
 *   characters, or that repeats the identifier); AppError('unknown-patient') when the
 *   cell holds no note of that patient; AppError('unknown-organization') for an
 *   organization the policy does not name.
 */
export async function placeHold(deps: HimDeps, principal: Principal, body: unknown): Promise<LegalHold> {
  const input = parseInput(PlaceHoldBody, body, 'body');
  let subject: string;
  if (input.scope === 'patient') {
    const problem = holdReasonProblem(input.reason, input.patient.value);
    if (problem) throw bodyProblem('body.reason', problem);
    subject = deps.pseudonymizer.patientRef([input.patient]);
    // Notes of a release before the patient index are indexed first, so none is missed.
    await requireCompletePatientIndex(deps);
    if (!(await deps.patients.holdsNotesOf(subject)))
      throw new AppError(
        'unknown-patient',
        'this cell holds no note of a patient with that identifier; check the system and the value',
      );
  } else {
    if (!deps.policy.organizations.some((o) => o.id === input.organization))
      throw new AppError('unknown-organization', 'the residency policy names no such organization');
    subject = input.organization;
  }
  const hold: LegalHold = {
    holdId: deps.ids.next(),
    scope: input.scope,
    subject,
    reason: input.reason,
    placedBy: `him:${principal.user}`,
    placedAt: deps.clock.now().toISOString(),
  };
  await deps.holds.place(hold);
  return hold;
}

/**
 * Releases an active hold; what it covered falls under the retention schedule again.
 *
 * @throws AppError('not-found') for a hold the cell does not have;
 *   AppError('hold-already-released') for a second release.
 */
export async function releaseHold(deps: HimDeps, principal: Principal, params: unknown): Promise<LegalHold> {
  const { holdId } = parseInput(HoldPath, params, 'path');
  return deps.holds.release(holdId, `him:${principal.user}`, deps.clock.now().toISOString());
}

/** The cell's holds, newest first, active and released (or one of the two). */
export async function listHolds(deps: HimDeps, query: unknown): Promise<{ holds: LegalHold[] }> {
  const { state } = parseInput(HoldsQuery, query);
  const { holds } = await deps.holds.all();
  return { holds: state ? holds.filter((h) => isActive(h) === (state === 'active')) : holds };
}
