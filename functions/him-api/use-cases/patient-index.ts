import { AppError } from '../../../shared/domain/errors.js';
import type { HimDeps } from './context.js';

/**
 * Time an API call gives the patient index backfill, within API Gateway's 29 seconds: the
 * backfill goes on from where the last call (or retention run) stopped.
 */
const API_BACKFILL_BUDGET_MS = 15_000;

/**
 * Makes sure the patient index holds every note version, notes a release before per-patient
 * keys stored included, before a patient is looked up in it: a lookup in a partial index could
 * miss notes, so it is refused (`patient-index-building`, 503) until the backfill is done.
 *
 * @throws AppError('patient-index-building') when the backfill has more of the table to read.
 */
export async function requireCompletePatientIndex(deps: Pick<HimDeps, 'patients' | 'clock'>): Promise<void> {
  const progress = await deps.patients.indexUnindexedNotes(
    deps.clock.now().toISOString(),
    API_BACKFILL_BUDGET_MS,
  );
  if (!progress.complete)
    throw new AppError(
      'patient-index-building',
      'notes stored before per-patient keys are still being put into the patient index',
    );
}
