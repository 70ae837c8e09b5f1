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

/**
 * Status of a chain verification (`ledger/verify`, `audit/verify`) as a badge.
 * @returns {{ tone: 'ok' | 'bad', text: string, detail: string }}
 */
export function chainBadge(result) {
  const shards = result.shards ?? [];
  const count = shards.reduce((sum, s) => sum + (s.count ?? 0), 0);
  const bad = shards.find((s) => !s.ok);
  if (result.ok && !bad) return { tone: 'ok', text: 'Intact', detail: `${count} entries verified` };
  if (!bad) return { tone: 'bad', text: 'Broken', detail: 'verification failed' };
  const where = bad.firstBadSeq !== undefined ? `Broken at seq ${bad.firstBadSeq}` : 'Broken';
  return { tone: 'bad', text: where, detail: `shard ${bad.shard}${bad.problem ? `: ${bad.problem}` : ''}` };
}

/** Status of the signed digest that pins the chain head. */
export function digestBadge(digest) {
  if (digest === 'valid') return { tone: 'ok', text: 'Digest valid' };
  if (digest === 'absent') return { tone: 'warn', text: 'No digest yet' };
  if (digest === 'bad-signature') return { tone: 'bad', text: 'Digest signature bad' };
  return { tone: 'warn', text: `Digest ${words(digest)}` };
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
