import { DEMO_SENDER_ID } from '../infra/local/settings.js';
import type { LocalStack } from '../infra/local/stack.js';
import { DynamoOutbox } from '../shared/adapters/dynamodb/outbox-store.js';
import type { OutboxItem } from '../shared/domain/delivery/outbox-item.js';
import type { EhrTarget } from '../shared/domain/policy/model.js';
import { type FixturePatient, noteEvent, patientN } from '../test/fixtures/notes.js';
import { type CpuFigures, CpuTimeline } from './cpu.js';
import type { DeliveryRequests } from './delivery-requests.js';
import { PATIENTS } from './patients.js';
import { measure, percentile } from './stats.js';
import { type SignedWebhook, WebhookSender } from './webhook.js';

export interface DeliveryRun {
  cell: string;
  target: EhrTarget;
  patient: FixturePatient;
  count: number;
  /** Concurrent senders posting the notes. */
  concurrency: number;
  tag: string;
}

export interface DeliveryFigures {
  name: string;
  profile: string;
  count: number;
  concurrency: number;
  accepted: number;
  delivered: number;
  /** Notes not delivered when the run ended (parked, retrying or still pending). */
  notDelivered: number;
  /** Deliveries per second between the 10th and 90th percentile of `deliveredAt`. */
  steadyPerSecond: number;
  /** All delivered notes over first POST to last `deliveredAt`. */
  overallPerSecond: number;
  /** Time from the start of each webhook POST to its `deliveredAt`. */
  p50Ms: number;
  p99Ms: number;
  /** FHIR requests the sandbox served per delivered note (token requests excluded). */
  fhirPerNote: number;
  /** Median duration of the delivering attempt (its FHIR requests) as the worker recorded it. */
  attemptP50Ms: number;
  /** DynamoDB requests of the delivery worker per delivered note (bench reads excluded). */
  dynamoPerNote: { noteReads: number; commits: number; other: number };
  /**
   * CPU per note delivered in the steady window (the same as `steadyPerSecond`'s): the whole
   * local stack (ingest, worker, sandbox EHR) and DynamoDB Local's JVM.
   */
  steadyCpu: CpuFigures;
}

const TERMINAL = new Set(['delivered', 'parked']);
const TIMEOUT_MS = 180_000;

/**
 * Delivery end to end through the local stack: posts `count` notes to the cell
 * with `concurrency` senders, waits until the cell's delivery worker has
 * delivered them into the sandbox EHR, and reads each outbox item's `deliveredAt`.
 *
 * Notes still open after 3 minutes are counted as not delivered.
 *
 * @throws when the target has no sandbox EHR or the cell does not exist.
 */
export async function deliveryRun(
  stack: LocalStack,
  run: DeliveryRun,
  requests: { take(): DeliveryRequests },
): Promise<DeliveryFigures> {
  const sandbox = stack.ehrs.sandboxes.get(run.target.id);
  const cell = stack.cells.find((c) => c.id === run.cell);
  if (!sandbox || !cell) throw new Error(`no sandbox EHR or cell for ${run.target.id}`);
  await stack.idle();
  const outbox = new DynamoOutbox(stack.dynamoClient, cell.tableName);
  const sender = new WebhookSender(stack, run.cell);
  const fhirBefore = (await sandbox.stats()).requests.fhir;
  requests.take();
  const cpu = new CpuTimeline(stack.dynamo.pid);
  const postedAt: number[] = [];
  const accepted: number[] = [];
  const noteId = (i: number) => `deliver-${run.tag}-${i}`;

  // Built and signed before the first POST, as the ingest runs do: the sender is not the product, and its
  // signing (a pure-JS HMAC) would otherwise run on the stack's one thread while it delivers.
  const webhooks = Array.from({ length: run.count }, (_, i) =>
    sender.sign(noteEvent({ patient: patientN(run.patient, i % PATIENTS), noteId: noteId(i) })),
  );
  await measure(`post ${run.cell}`, run.concurrency, run.count, async (i) => {
    postedAt[i] = Date.now();
    const ok = (await sender.send(webhooks[i] as SignedWebhook)) === 202;
    if (ok) accepted.push(i);
    return ok;
  });
  const items = await waitUntilDone(stack, outbox, accepted, noteId);
  cpu.stop();
  const fhir = (await sandbox.stats()).requests.fhir - fhirBefore;
  const dynamo = requests.take();

  const latencies: number[] = [];
  const deliveredAt: number[] = [];
  const attempts: number[] = [];
  for (const [i, item] of items) {
    if (item?.state !== 'delivered' || !item.deliveredAt) continue;
    const at = Date.parse(item.deliveredAt);
    deliveredAt.push(at);
    latencies.push(at - (postedAt[i] ?? at));
    attempts.push(item.lastAttempt?.durationMs ?? 0);
  }
  latencies.sort((a, b) => a - b);
  attempts.sort((a, b) => a - b);
  deliveredAt.sort((a, b) => a - b);
  const first = Math.min(...postedAt.filter(Number.isFinite));
  const steady = steadyWindow(deliveredAt);
  return {
    name: `${run.cell} → ${run.target.id}`,
    profile: run.target.profile,
    count: run.count,
    concurrency: run.concurrency,
    accepted: accepted.length,
    delivered: deliveredAt.length,
    notDelivered: run.count - deliveredAt.length,
    steadyPerSecond: steady.perSecond,
    overallPerSecond: deliveredAt.length / (((deliveredAt.at(-1) ?? first) - first) / 1000 || 1),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    fhirPerNote: deliveredAt.length ? fhir / deliveredAt.length : 0,
    attemptP50Ms: percentile(attempts, 50),
    dynamoPerNote: {
      noteReads: perNote(dynamo.noteReads, deliveredAt.length),
      commits: perNote(dynamo.commits, deliveredAt.length),
      other: perNote(dynamo.other, deliveredAt.length),
    },
    steadyCpu: cpu.window(deliveredAt, steady.from, steady.to),
  };
}

const perNote = (count: number, notes: number) => (notes ? count / notes : 0);

/** The middle 80% of completion times, leaving out the ramp-up and the tail, and the rate over it. */
function steadyWindow(sortedTimes: number[]): { from: number; to: number; perSecond: number } {
  const first = Math.floor(sortedTimes.length * 0.1);
  const last = Math.ceil(sortedTimes.length * 0.9) - 1;
  const from = sortedTimes[first] ?? 0;
  const to = sortedTimes[last] ?? 0;
  const span = (to - from) / 1000;
  return { from, to, perSecond: last > first && span > 0 ? (last - first) / span : 0 };
}

/** Polls the outbox items of the accepted notes until each is delivered or parked, or time is up. */
async function waitUntilDone(
  stack: LocalStack,
  outbox: DynamoOutbox,
  accepted: number[],
  noteId: (i: number) => string,
): Promise<Map<number, OutboxItem | undefined>> {
  const deadline = Date.now() + TIMEOUT_MS;
  const items = new Map<number, OutboxItem | undefined>(accepted.map((i) => [i, undefined]));
  const isOpen = (i: number) => !TERMINAL.has(items.get(i)?.state ?? '');
  for (;;) {
    await stack.idle();
    const open = accepted.filter(isOpen);
    await measure('read outbox', 8, open.length, async (k) => {
      const i = open[k] ?? 0;
      const key = {
        senderId: DEMO_SENDER_ID,
        noteId: noteId(i),
        version: 1,
        eventKind: 'finalized' as const,
      };
      items.set(i, await outbox.get(key));
      return true;
    });
    if (!accepted.some(isOpen) || Date.now() > deadline) return items;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
