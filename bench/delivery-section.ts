import type { LocalStack } from '../infra/local/stack.js';
import type { ResidencyPolicy } from '../shared/domain/policy/model.js';
import { type FixturePatient, fixturePatients } from '../test/fixtures/notes.js';
import { type CpuFigures, cpuPerNote, cpuSample } from './cpu.js';
import { type DeliveryFigures, deliveryRun } from './delivery.js';
import { countDeliveryRequests } from './delivery-requests.js';
import { type EhrFloorFigures, ehrFloorRun, WORKER_CONCURRENCY } from './ehr-floor.js';

export interface DeliveryComparison {
  delivery: DeliveryFigures;
  floor: EhrFloorFigures;
  /** Steady-state delivered notes/s over the floor's sequences/s. */
  throughputRatio: number;
  /**
   * CPU per note of the floor run (the FHIR client and the sandbox EHR); the delivery run's
   * is `delivery.steadyCpu`.
   */
  floorCpu: CpuFigures;
}

/** The cells whose delivery is measured: the UK (generic FHIR) and the US (Epic-like) sandbox. */
const RUNS: Array<{ cell: string; patient: FixturePatient; share: number }> = [
  { cell: 'uk', patient: fixturePatients.uk, share: 1 },
  { cell: 'us', patient: fixturePatients.us, share: 0.5 },
];

/** Delivery's target: steady deliveries per second over the EHR floor's rate, and over ingest's at 16 senders. */
export const DELIVERY_MIN_RATIO = 0.5;

/** Notes delivered per measured cell before the measured runs. */
const WARM_UP_NOTES = 150;

/**
 * Delivery end to end for each measured cell, each followed by its EHR floor
 * (the same number of FHIR sequences sent straight to the same sandbox).
 */
export async function deliverySection(
  stack: LocalStack,
  policy: ResidencyPolicy,
  notes: number,
  concurrency: number,
  log: (line: string) => void,
): Promise<DeliveryComparison[]> {
  const results: DeliveryComparison[] = [];
  const requests = countDeliveryRequests([stack.dynamoClient]);
  const targets = RUNS.map((run) => {
    const org = policy.organizations.find((o) => o.id === run.patient.organization);
    const target = policy.ehrTargets.find((t) => t.id === org?.ehrTarget);
    const sandbox = target && stack.ehrs.sandboxes.get(target.id);
    if (!target || !sandbox) throw new Error(`no sandbox EHR for ${run.patient.organization}`);
    return { run, target, sandbox };
  });
  // DynamoDB Local is a fresh JVM: its JIT compilers take most of a core for the first half minute of
  // load, which AWS has no counterpart for. Warm it (and the sandboxes) up with unmeasured deliveries.
  log(`delivery: warming up (${WARM_UP_NOTES} notes per cell, not measured)`);
  for (const { run, target } of targets) {
    const warm = {
      cell: run.cell,
      target,
      patient: run.patient,
      count: WARM_UP_NOTES,
      concurrency,
      tag: `${run.cell}-warm`,
    };
    await deliveryRun(stack, warm, requests);
  }
  for (const { run, target, sandbox } of targets) {
    const count = Math.max(20, Math.round(notes * run.share));
    log(
      `delivery: ${count} notes to the ${run.cell} cell (${concurrency} senders) → ${target.id} (${target.profile})`,
    );
    const delivery = await deliveryRun(
      stack,
      {
        cell: run.cell,
        target,
        patient: run.patient,
        count,
        concurrency,
        tag: run.cell,
      },
      requests,
    );
    const perNote = delivery.dynamoPerNote;
    log(
      `  DynamoDB requests per delivered note: ${perNote.noteReads.toFixed(2)} reads, ` +
        `${perNote.commits.toFixed(2)} transactions, ${perNote.other.toFixed(2)} other`,
    );
    log(`EHR floor: ${count} delivery sequences straight to ${target.id}, ${WORKER_CONCURRENCY} at a time`);
    await stack.idle();
    const floorStarted = cpuSample(stack.dynamo.pid);
    const floor = await ehrFloorRun(sandbox, target, run.cell, run.patient, count, run.cell);
    const floorCpu = cpuPerNote(floorStarted, cpuSample(stack.dynamo.pid), count);
    results.push({
      delivery,
      floor,
      throughputRatio: delivery.steadyPerSecond / floor.perSecond,
      floorCpu,
    });
  }
  return results;
}
