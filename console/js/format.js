/** Pure formatting of HIM API data for display (no DOM). Every time is shown in UTC. */

/** `2026-11-25T10:15:03.120Z` → `2026-11-25 10:15:03 UTC`; '—' when absent or unreadable. */
export function formatTime(iso) {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '—';
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A ledger place `{ country, cell }` as `uk (GB)`. */
export function placeLabel(place) {
  return place ? `${place.cell} (${place.country})` : '—';
}

/** The corridor of a ledger entry: `us (US) → uk (GB)`. */
export function corridorLabel(entry) {
  return `${placeLabel(entry.source)} → ${placeLabel(entry.destination)}`;
}

/** Mechanism type with its reference and expiry, or '—' (built-in guards have none). */
export function mechanismLabel(mechanism) {
  if (!mechanism) return '—';
  const parts = [mechanism.type];
  if (mechanism.reference) parts.push(mechanism.reference);
  if (mechanism.expires) parts.push(`until ${String(mechanism.expires).slice(0, 10)}`);
  return parts.join(' · ');
}

/** `note-8f2c v2`, or '—' for movements without a note. */
export function noteLabel(noteId, version) {
  if (!noteId) return '—';
  return version ? `${noteId} v${version}` : noteId;
}

/** Human words for a machine label: `remote-access` → `remote access`. */
export function words(label) {
  return label ? String(label).replaceAll('-', ' ') : '—';
}

/** Verdict of one chain's verification (a SealReport): intact, or where it first broke. */
export function chainBadge(report) {
  const shards = report.shards ?? [];
  const count = shards.reduce((sum, s) => sum + (s.count ?? 0), 0);
  if (report.ok) return { tone: 'ok', text: 'Intact', detail: `${count} records verified` };
  const bad = shards.find((s) => !s.ok);
  const text = bad?.firstBadSeq !== undefined ? `Broken at seq ${bad.firstBadSeq}` : 'Failed';
  const detail = report.problems?.[0] ?? (bad ? `shard ${bad.shard}: ${bad.problem}` : 'verification failed');
  return { tone: 'bad', text, detail };
}

/** State of the digest chain that seals the records (the `digests` part of a SealReport). */
export function digestBadge(digests) {
  if (!digests) return { tone: 'warn', text: 'Digests unknown' };
  if (!digests.ok) return { tone: 'bad', text: 'Digest chain broken' };
  if (!digests.count) return { tone: 'warn', text: 'No digest yet' };
  return { tone: 'ok', text: `${digests.count} digest${digests.count === 1 ? '' : 's'} valid` };
}

/** Records made since the latest digest, and whether they are still within the sealing deadline. */
export function unsealedBadge(unsealed) {
  if (!unsealed) return { tone: 'warn', text: 'Unsealed unknown' };
  if (!unsealed.ok) return { tone: 'bad', text: `${unsealed.count} unsealed too long` };
  if (!unsealed.count) return { tone: 'ok', text: 'All sealed' };
  return { tone: 'neutral', text: `${unsealed.count} awaiting the next digest` };
}

const REVIEW_TONE = {
  unreviewed: 'neutral',
  reviewed: 'ok',
  flagged: 'bad',
  escalated: 'warn',
  resolved: 'ok',
};

/**
 * A movement's review status as a badge: its tone, its state and who set it when.
 * '—' for an entry that carries no review status.
 */
export function reviewLabel(review) {
  if (!review?.state) return { tone: 'neutral', text: '—', detail: 'no review status' };
  const detail = review.by ? `${review.state} by ${review.by} at ${formatTime(review.at)}` : review.state;
  return { tone: REVIEW_TONE[review.state] ?? 'neutral', text: review.state, detail };
}

/** One OperationOutcome issue summary: `error · invalid · ERR-12 · at DocumentReference.subject`. */
export function issueLabel(issue) {
  const parts = [issue.severity, issue.code, ...(issue.detailCodes ?? [])];
  if (issue.expression?.length) parts.push(`at ${issue.expression.join(', ')}`);
  return parts.filter(Boolean).join(' · ');
}

/** All issues of an outbox item, or '—'. */
export function outcomeLabel(issues) {
  return issues?.length ? issues.map(issueLabel).join('; ') : '—';
}

/** A step record `{ at, step, outcome, httpStatus, durationMs }` in a few words. */
export function attemptLabel(attempt) {
  if (!attempt) return '—';
  const status = attempt.httpStatus ? ` (HTTP ${attempt.httpStatus})` : '';
  return `${words(attempt.step)}: ${words(attempt.outcome)}${status}`;
}

/** File name from `content-disposition`, else the fallback; never a path. */
export function filenameFromDisposition(header, fallback) {
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header ?? '');
  const name = match?.[1] ? decodeURIComponent(match[1]) : fallback;
  return name.replace(/[/\\]/g, '_');
}

/** What a 403 means to the person who met it. */
export function forbiddenMessage(action) {
  return `Your role cannot ${action}.`;
}

/** Count with its noun: `1 entry`, `3 entries`. */
export function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}
