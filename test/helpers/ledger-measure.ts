import { createHash } from 'node:crypto';
import type { UnsealedEntry } from '../../shared/domain/ledger/entry.js';
import type { LedgerStore } from '../../shared/ports/ledger.js';

/**
 * A realistic, PHI-free ledger entry for measurements and tests: an allowed
 * UK → US egress of note `note-<i>`, version 1.
 */
export function syntheticEntry(i: number, at: Date = new Date()): UnsealedEntry {
  return {
    transferId: `tr-${i}-${at.getTime()}`,
    at: at.toISOString(),
    kind: 'egress',
    decision: 'allowed',
    source: { country: 'GB', cell: 'uk' },
    destination: { country: 'US', cell: 'us' },
    recipient: { organization: 'mercy-health', ehrTarget: 'us-ehr' },
    purpose: 'treatment',
    dataCategories: ['health-data', 'loinc:11506-3'],
    mechanism: { type: 'eu-us-dpf', reference: 'UK Extension to the EU-U.S. DPF' },
    ruleId: 'uk-us.dpf',
    reason: 'egress uk → us allowed by rule uk-us.dpf',
    safeguards: { keyId: 'local:cell-uk', keyRegion: 'eu-west-2', pseudonymised: true },
    patientRef: createHash('sha256')
      .update(`patient-${i % 97}`)
      .digest('base64url'),
    noteId: `note-${i}`,
    noteVersion: 1,
    actor: 'system:measure',
  };
}

export interface AppendRate {
  count: number;
  writers: number;
  shards: number;
  elapsedMs: number;
  appendsPerSecond: number;
}

/**
 * Appends `count` single-entry batches from `writers` concurrent writers and
 * returns the rate achieved. Every append is a real conditional transaction, so
 * the figure includes head contention and its retries.
 *
 * @throws whatever `append` throws (an exhausted retry budget, storage failure).
 */
export async function measureAppendRate(
  store: LedgerStore,
  options: { writers: number; count: number; entry?: (i: number) => UnsealedEntry },
): Promise<AppendRate> {
  const make = options.entry ?? ((i: number) => syntheticEntry(i));
  let next = 0;
  const writer = async () => {
    for (let i = next++; i < options.count; i = next++) await store.append([make(i)]);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.writers }, writer));
  const elapsedMs = performance.now() - started;
  return {
    count: options.count,
    writers: options.writers,
    shards: store.shardCount,
    elapsedMs: Math.round(elapsedMs),
    appendsPerSecond: Math.round((options.count / elapsedMs) * 1000),
  };
}
