import type { Clock } from '../../ports/clock.js';
import type { EhrOutcomeKind, EhrResult } from '../../ports/ehr-client.js';

/** The EHR calls (and local checks) one delivery attempt is made of. */
export type DeliveryStep =
  | 'wait-for-predecessor'
  | 'patient-search'
  | 'patient-create'
  | 'encounter-search'
  | 'encounter-create'
  | 'document-search'
  | 'document-create'
  | 'document-update';

/** An EHR outcome, or a local verdict that needed no EHR call. */
export type AttemptOutcome = EhrOutcomeKind | 'waiting' | 'ambiguous';

/** One step as recorded for the delivery log: ids and codes only, never PHI. */
export interface StepRecord {
  /** ISO 8601 start time. */
  at: string;
  step: DeliveryStep;
  outcome: AttemptOutcome;
  httpStatus?: number;
  durationMs: number;
}

/** Records the steps of one attempt against an injected clock. */
export class AttemptRun {
  readonly steps: StepRecord[] = [];
  private readonly startedAt: Date;

  constructor(private readonly clock: Clock) {
    this.startedAt = clock.now();
  }

  /** Runs one EHR request and records its outcome and duration. */
  async call<T>(step: DeliveryStep, request: () => Promise<EhrResult<T>>): Promise<EhrResult<T>> {
    const at = this.clock.now();
    const result = await request();
    this.steps.push({
      at: at.toISOString(),
      step,
      outcome: result.kind,
      ...(result.status !== undefined ? { httpStatus: result.status } : {}),
      durationMs: this.clock.now().getTime() - at.getTime(),
    });
    return result;
  }

  /** Records a verdict reached without calling the EHR. */
  mark(step: DeliveryStep, outcome: AttemptOutcome): void {
    this.steps.push({ at: this.clock.now().toISOString(), step, outcome, durationMs: 0 });
  }

  /** The attempt as one record: its start, its deciding (last) step and outcome, its whole duration. */
  summary(): StepRecord {
    const last = this.steps.at(-1);
    if (!last) throw new TypeError('an attempt summary needs at least one step');
    return {
      at: this.startedAt.toISOString(),
      step: last.step,
      outcome: last.outcome,
      ...(last.httpStatus !== undefined ? { httpStatus: last.httpStatus } : {}),
      durationMs: this.clock.now().getTime() - this.startedAt.getTime(),
    };
  }
}
