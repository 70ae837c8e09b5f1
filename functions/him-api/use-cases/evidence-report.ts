import { NAG_REPORT_FILE, type NagReport, nagCounts } from '../../../shared/domain/evidence/nag-report.js';
import { publicKeyFingerprint } from '../../../shared/domain/seal/digest.js';
import type { SealReport } from '../../../shared/domain/seal/verify-sealed.js';
import type { ReportDocument } from '../../../shared/ports/report-renderer.js';
import type { KeyFacts } from './context.js';
import type { EvidenceData } from './evidence.js';
import type { Table } from './evidence-tables.js';

/** Bars a chart shows per corridor before the rest are summed as `other`. */
const TOP_CORRIDORS = 5;

const text = (t: Table) => ({ columns: t.columns, rows: t.rows.map((r) => r.map(String)) });

/** Movements per day of the period, one series per busiest corridor and the rest as `other`. */
function corridorChart(corridors: Table, data: EvidenceData) {
  const days: string[] = [];
  for (let t = data.period.from.getTime(); t < data.period.to.getTime(); t += 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  const perCorridor = new Map<string, Map<string, number>>();
  for (const [day, from, to, , , , count] of corridors.rows) {
    const key = `${from}:${to}`;
    const series = perCorridor.get(key) ?? new Map<string, number>();
    series.set(String(day), (series.get(String(day)) ?? 0) + Number(count));
    perCorridor.set(key, series);
  }
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const ranked = [...perCorridor.entries()].sort((a, b) => total(b[1]) - total(a[1]));
  const shown = ranked.slice(0, TOP_CORRIDORS);
  const rest = ranked.slice(TOP_CORRIDORS);
  const series = shown.map(([name, m]) => ({ name, values: days.map((d) => m.get(d) ?? 0) }));
  if (rest.length > 0)
    series.push({
      name: 'other',
      values: days.map((d) => rest.reduce((n, [, m]) => n + (m.get(d) ?? 0), 0)),
    });
  return { title: 'Movements per day by corridor', labels: days.map((d) => d.slice(5)), series };
}

function reviewChart(reviews: Table) {
  return {
    title: 'Review status by corridor',
    labels: reviews.rows.map((r) => String(r[0])),
    series: reviews.columns
      .slice(1)
      .map((state, i) => ({ name: state, values: reviews.rows.map((r) => Number(r[i + 1])) })),
  };
}

const verdict = (r: SealReport) =>
  r.ok
    ? `verified (${r.digests.count} digests, ${r.unsealed.count} records not yet sealed)`
    : `FAILED: ${r.problems[0] ?? 'see integrity.json'}`;

/** The cdk-nag report in brief: which synth, which packs, and per stack what was checked and found. */
function infraChecks(nag: NagReport, policy: ReportInputs['policy']) {
  const { stacks, total } = nagCounts(nag);
  const packs = nag.packs.map((p) => `${p.name} (${p.tool} ${p.version})`).join(', ');
  const samePolicy = nag.policy.hash === policy.hash;
  return {
    heading: 'Infrastructure checks (cdk-nag)',
    paragraphs: [
      `${packs} over the cell's ${total.stacks} stacks in ${nag.region}, from the ${nag.source} at ${nag.generatedAt}: ${total.resourcesChecked} resources checked, ${total.violations} violations, ${total.acknowledged} findings acknowledged in code, each with its reason (${NAG_REPORT_FILE}).`,
      `Synthesised with residency policy ${nag.policy.version} (SHA-256 ${nag.policy.hash}): ${samePolicy ? 'the policy in force' : 'NOT the policy in force'}.`,
    ],
    table: {
      columns: ['stack', 'resources checked', 'violations', 'acknowledged findings'],
      rows: stacks.map((s) => [
        s.stack,
        String(s.resourcesChecked),
        String(s.violations),
        String(s.acknowledged),
      ]),
    },
  };
}

export interface ReportInputs {
  data: EvidenceData;
  policy: { version: string; hash: string };
  keys: Record<string, KeyFacts>;
  tables: Record<'corridors' | 'mechanisms' | 'phiAccess' | 'reviews' | 'flags' | 'lifecycle', Table>;
  nag: NagReport;
  files: string[];
}

/** The evidence pack's PDF report: a summary, the two charts and the tables an auditor reads first. */
export function evidenceReport({ data, policy, keys, tables, nag, files }: ReportInputs): ReportDocument {
  const { from, to } = data.period;
  return {
    title: `Evidence pack: cell ${data.cell}`,
    subtitle: `${data.jurisdiction}, ${from.toISOString()} to ${to.toISOString()}`,
    generatedAt: data.generatedAt.toISOString(),
    sections: [
      {
        heading: 'Summary',
        paragraphs: [
          `${data.entries.length} ledger entries and ${data.audit.length} audit entries in the period.`,
          `Transfers ledger: ${verdict(data.integrity.ledger)}. Audit log: ${verdict(data.integrity.audit)}.`,
          `Residency policy ${policy.version} in force, SHA-256 ${policy.hash} (policy.json).`,
          `The manifest (manifest.json) lists every file with its SHA-256 and is signed by the digest key ${data.key.keyId} (public key fingerprint ${publicKeyFingerprint(data.key.publicKeyPem)}): check it offline with visitbridge verify-evidence.`,
        ],
      },
      { heading: 'Corridors over time', chart: corridorChart(tables.corridors, data) },
      { heading: 'Mechanisms in force', table: text(tables.mechanisms) },
      { heading: 'Review status', chart: reviewChart(tables.reviews), table: text(tables.reviews) },
      { heading: 'Flagged and escalated movements', table: text(tables.flags) },
      { heading: 'PHI access by role', table: text(tables.phiAccess) },
      { heading: 'Retention runs, legal holds and erasures', table: text(tables.lifecycle) },
      {
        heading: 'Keys',
        table: {
          columns: ['key', 'id', 'kind', 'rotation', 'created'],
          rows: Object.entries(keys).map(([name, k]) => [name, k.id, k.kind, k.rotation, k.createdAt ?? '-']),
        },
      },
      infraChecks(nag, policy),
      { heading: 'Files in this pack', paragraphs: [files.join(', ')] },
    ],
  };
}
