import type { AuditLog } from '../../ports/audit-log.js';
import type { Clock } from '../../ports/clock.js';
import type { LegalHold, LegalHoldRegistry } from '../../ports/legal-holds.js';
import type { PatientIndexBackfill } from '../../ports/patient-index.js';
import type { RetentionRunner } from '../../ports/retention-runner.js';
import type { RetentionStore } from '../../ports/retention-store.js';
import type { AuditEntry } from '../audit/entry.js';
import { isActive } from '../holds/hold.js';
import { RECORD_CLASSES, type RecordClass, type RetentionDays } from '../policy/retention.js';
import {
  type ClassCounts,
  countEvent,
  decidePartition,
  emptyCounts,
  type PartitionSweep,
  periodCutoff,
  sweepWindow,
} from './decide.js';

/** The audit action and actor of a retention run. */
export const RETENTION_ACTION = 'retention.run';
export const RETENTION_ACTOR = 'system:retention';
const TARGET_PREFIX = 'retention:';

/** What started a run: the schedule, or a privacy officer through the HIM API. */
export type RetentionTrigger = 'schedule' | `him:${string}`;

/** A retention run's report: counts by record class, nothing that identifies a patient. */
export interface RetentionReport {
  cell: string;
  at: string;
  trigger: RetentionTrigger;
  classes: Record<RecordClass, ClassCounts>;
  /** Classes the run does not count (digests: they live outside the table). */
  uncounted: RecordClass[];
  /** Notes read whose deletion was given up because the delivery moved on or holds changed twice. */
  skippedNotes: number;
  /** Note versions from before per-patient keys put into the patient index this run (0 once all are). */
  indexedNotes: number;
  /**
   * Notes whose records the run read (one consistent query each): those something may be due of
   * (docs/retention.md). Absent from runs of a release that did not count them.
   */
  notesRead?: number;
}

export interface RetentionDeps {
  cell: string;
  days: RetentionDays;
  store: RetentionStore;
  /** Indexes notes a release before per-patient keys stored, so patient holds and erasure find them. */
  patientIndex: PatientIndexBackfill;
  holds: LegalHoldRegistry;
  audit: AuditLog;
  clock: Clock;
}

/**
 * Time a run gives the patient index backfill (an upgrade's, once): it goes on from where it
 * stopped, so a large table is indexed over several runs and each still sweeps.
 */
const BACKFILL_BUDGET_MS = 5 * 60_000;

/** Tries of one note when holds are placed while it is being swept: the holds are read again each time. */
const TRIES_PER_NOTE = 3;

/**
 * One retention run of a cell: every note record past its class's period and not
 * covered by an active legal hold is deleted, one conditional transaction per note
 * event; a held note loses any TTL an older release set, so it cannot expire on its own; ledger and audit entries past theirs are counted, never deleted (they are
 * hash-chained and sealed). Writes one audit entry (`retention.run` by
 * `system:retention`) whose target is the report, and returns it.
 *
 * @throws AppError('storage-unavailable') when the store or the audit log fails.
 */
export async function runRetention(deps: RetentionDeps, trigger: RetentionTrigger): Promise<RetentionReport> {
  const now = deps.clock.now();
  const classes = Object.fromEntries(RECORD_CLASSES.map((c) => [c, emptyCounts()])) as Record<
    RecordClass,
    ClassCounts
  >;
  let holdSet = await deps.holds.all();
  let active: LegalHold[] = holdSet.holds.filter(isActive);
  let skippedNotes = 0;
  let notesRead = 0;
  const { indexed: indexedNotes } = await deps.patientIndex.indexUnindexedNotes(
    now.toISOString(),
    BACKFILL_BUDGET_MS,
  );
  const window = sweepWindow(deps.days, now);
  for await (const ref of deps.store.settledNotes(window)) {
    notesRead += 1;
    for (let attempt = 1; ; attempt++) {
      const note = await deps.store.readNote(ref);
      if (!note) break;
      const sweep = decidePartition(note, deps.days, active, now);
      if (sweep.held) {
        for (const due of sweep.due) countEvent(classes, due, 'held');
        // Unmarked, so not in the store's count of newest histories kept.
        classes.outboxHistory.eligibleNotDeleted += sweep.newestKept;
        await deps.store.clearTtl(ref);
        break;
      }
      const outcome = await removeAll(deps.store, sweep.due, holdSet.version, classes);
      if (outcome === 'removed') {
        await markAll(deps.store, sweep);
        break;
      }
      if (outcome === 'holds-changed' && attempt < TRIES_PER_NOTE) {
        holdSet = await deps.holds.all();
        active = holdSet.holds.filter(isActive);
        continue;
      }
      skippedNotes += 1;
      break;
    }
  }
  classes.outboxHistory.eligibleNotDeleted += await deps.store.countNewestKept(window.historyBefore);
  classes.ledger.eligibleNotDeleted = await deps.store.countChained(
    'ledger',
    periodCutoff(deps.days.ledger, now),
  );
  classes.audit.eligibleNotDeleted = await deps.store.countChained(
    'audit',
    periodCutoff(deps.days.audit, now),
  );
  const report: RetentionReport = {
    cell: deps.cell,
    at: now.toISOString(),
    trigger,
    classes,
    uncounted: ['digests'],
    skippedNotes,
    indexedNotes,
    notesRead,
  };
  await deps.audit.append({
    at: report.at,
    actor: RETENTION_ACTOR,
    role: 'system',
    action: RETENTION_ACTION,
    target: `${TARGET_PREFIX}${JSON.stringify({ trigger, classes, uncounted: report.uncounted, skippedNotes, indexedNotes, notesRead })}`,
    sourceIp: 'internal',
    outcome: 'ok',
  });
  return report;
}

/** Removes each due event in turn, counting what went; stops at the first that did not. */
async function removeAll(
  store: RetentionStore,
  due: ReturnType<typeof decidePartition>['due'],
  holdsVersion: number,
  classes: Record<RecordClass, ClassCounts>,
): Promise<'removed' | 'moved-on' | 'holds-changed'> {
  for (const event of due) {
    const outcome = await store.remove(event, holdsVersion);
    if (outcome !== 'removed') return outcome;
    countEvent(classes, event, 'deleted');
  }
  return 'removed';
}

/**
 * Notes what nothing is due of on its outbox item, so later runs pass the note by until its
 * history falls due; an event that moved on since it was read stays unmarked (read next run).
 */
async function markAll(store: RetentionStore, sweep: PartitionSweep): Promise<void> {
  for (const mark of sweep.marks) await store.mark(mark);
}

/** The report a `retention.run` audit entry of `cell` carries, or undefined for any other entry. */
export function reportOf(entry: AuditEntry, cell: string): RetentionReport | undefined {
  if (entry.action !== RETENTION_ACTION || !entry.target.startsWith(TARGET_PREFIX)) return undefined;
  try {
    const body = JSON.parse(entry.target.slice(TARGET_PREFIX.length)) as Omit<
      RetentionReport,
      'cell' | 'at' | 'indexedNotes'
    > & { indexedNotes?: number };
    // Runs of a release without the backfill did not report it: they indexed nothing.
    return { cell, at: entry.at, ...body, indexedNotes: body.indexedNotes ?? 0 };
  } catch {
    return undefined;
  }
}

/** The runner the local HIM API uses: the same sweep, in process, awaited. */
export function inProcessRetention(deps: RetentionDeps): RetentionRunner {
  return { start: async (requestedBy) => void (await runRetention(deps, requestedBy)) };
}
