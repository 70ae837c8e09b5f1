/**
 * Pure query building for the HIM API (no DOM). Filters come from form values;
 * every function throws `FilterError` with a message fit to show the user.
 */
export class FilterError extends Error {
  /** @param {string} field form field at fault  @param {string} message */
  constructor(field, message) {
    super(message);
    this.name = 'FilterError';
    this.field = field;
  }
}

/** What the ledger records (shared/domain/ledger/entry.ts LEDGER_KINDS): the movements, and erasures. */
export const MOVEMENT_KINDS = ['inbound', 'forward', 'egress', 'remote-access', 'erasure'];
export const DECISIONS = ['allowed', 'denied'];
export const DELIVERY_STATES = ['parked', 'pending', 'retrying', 'waiting', 'delivered'];
export const DELIVERY_EVENTS = ['finalized', 'amended', 'retracted'];
export const REVIEW_STATES = ['unreviewed', 'reviewed', 'flagged', 'escalated', 'resolved'];
/** Legal mechanism types a residency rule can name (shared/domain/policy/model.ts). */
export const MECHANISMS = [
  'intra-jurisdiction',
  'adequacy',
  'eu-us-dpf',
  'scc',
  'idta',
  'treatment-disclosure',
  'explicit-consent',
  'art49-vital-interests',
  'art49-explicit-consent',
];
/** HIM roles (shared/domain/audit/entry.ts). */
export const HIM_ROLES = ['him-reviewer', 'privacy-officer', 'integration-admin'];
/** Purposes of use a note view states (functions/him-api/use-cases/notes.ts). */
export const PURPOSES_OF_USE = [
  'treatment',
  'payment',
  'operations',
  'legal',
  'patient-request',
  'public-health',
  'audit',
];
/** The audit action of a note view, the PHI access the PHI-access tab lists. */
export const NOTE_VIEW_ACTION = 'notes.view';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A ledger entry's position, which names it for review: `<shard>:<seq>`. */
const ENTRY_REF = /^(0|[1-9]\d{0,5}):([1-9]\d{0,11})$/;
const CELL_ID = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Turns a `datetime-local` value (read as UTC, as the console shows every time in
 * UTC) or a full ISO instant into `Date.toISOString()` form; '' stays ''.
 * @throws {FilterError} on an unreadable time
 */
export function toIsoInstant(field, value) {
  const text = (value ?? '').trim();
  if (!text) return '';
  const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text}Z` : text;
  const at = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : new Date(withZone);
  if (Number.isNaN(at.getTime())) throw new FilterError(field, `"${text}" is not a date and time`);
  return at.toISOString();
}

/** @throws {FilterError} when `from` is after `to` */
function range(filters) {
  const from = toIsoInstant('from', filters.from);
  const to = toIsoInstant('to', filters.to);
  if (from && to && from > to) throw new FilterError('from', 'the start of the range is after its end');
  return { from, to };
}

function oneOf(field, value, allowed) {
  if (!value) return '';
  if (!allowed.includes(value))
    throw new FilterError(field, `"${value}" is not one of ${allowed.join(', ')}`);
  return value;
}

/**
 * Normalises a corridor written `uk:us`, `uk→us` or `uk>us` to `uk:us`.
 * @throws {FilterError} when it is not two cell ids
 */
export function corridorParam(value) {
  const text = (value ?? '').trim().toLowerCase();
  if (!text) return '';
  const parts = text.split(/\s*(?::|→|->|>)\s*/);
  if (parts.length !== 2 || !parts.every((p) => CELL_ID.test(p)))
    throw new FilterError('corridor', 'write a corridor as two cell ids, e.g. us:uk');
  return parts.join(':');
}

/**
 * Checks a patient identifier written `<system>|<value>` (as FHIR token search).
 * @throws {FilterError} when either half is missing
 */
export function patientParam(value) {
  const text = (value ?? '').trim();
  if (!text) return '';
  const bar = text.indexOf('|');
  if (bar <= 0 || bar === text.length - 1)
    throw new FilterError(
      'patient',
      'write the identifier as system|value, e.g. https://fhir.nhs.uk/Id/nhs-number|9434765919',
    );
  return text;
}

function params(entries) {
  const search = new URLSearchParams();
  for (const [name, value] of entries)
    if (value !== '' && value !== undefined) search.set(name, String(value));
  return search;
}

/**
 * Query parameters of `GET ledger` and `GET ledger/export`.
 * @throws {FilterError}
 */
export function ledgerParams(filters, page = {}) {
  const { from, to } = range(filters);
  const noteId = (filters.noteId ?? '').trim();
  return params([
    ['from', from],
    ['to', to],
    ['kind', oneOf('kind', filters.kind, MOVEMENT_KINDS)],
    ['decision', oneOf('decision', filters.decision, DECISIONS)],
    ['corridor', corridorParam(filters.corridor)],
    ['noteId', noteId],
    ['patient', patientParam(filters.patient)],
    ['format', page.format ?? ''],
    ['limit', page.limit ?? ''],
    ['cursor', page.cursor ?? ''],
  ]);
}

/**
 * Query parameters of `GET reviews/queue`: review state, corridor, mechanism and period.
 * @throws {FilterError}
 */
export function reviewQueueParams(filters, page = {}) {
  const { from, to } = range(filters);
  return params([
    ['state', oneOf('state', filters.state, REVIEW_STATES)],
    ['corridor', corridorParam(filters.corridor)],
    ['mechanism', oneOf('mechanism', filters.mechanism, MECHANISMS)],
    ['from', from],
    ['to', to],
    ['limit', page.limit ?? ''],
  ]);
}

/**
 * Path of a movement's review under `v1/him/` (`reviews/0%3A12`), or of one of its actions.
 * @throws {Error} when `ref` is not a ledger position
 */
export function reviewPath(ref, action = '') {
  if (!ENTRY_REF.test(String(ref))) throw new Error(`"${ref}" is not a ledger entry position`);
  return `reviews/${encodeURIComponent(ref)}${action ? `/${action}` : ''}`;
}

/** Query parameters of `GET corridors` and `GET audit`. @throws {FilterError} */
export function rangeParams(filters, page = {}) {
  const { from, to } = range(filters);
  return params([
    ['from', from],
    ['to', to],
    ['limit', page.limit ?? ''],
    ['cursor', page.cursor ?? ''],
  ]);
}

/**
 * Query parameters of `GET audit`: period, who (`actor` as `him:<user>`, `role`), what
 * (`action`, `target` prefix), why (`purpose`), which HIM action (`actionId`).
 * @throws {FilterError}
 */
export function auditParams(filters, page = {}) {
  const { from, to } = range(filters);
  const text = (name) => (filters[name] ?? '').trim();
  const actor = text('actor');
  const actionId = text('actionId').toLowerCase();
  if (actionId && !UUID.test(actionId))
    throw new FilterError('actionId', 'an action id is a UUID, e.g. 0b7c…-…, as the audit log shows it');
  return params([
    ['from', from],
    ['to', to],
    ['actor', actor && !actor.startsWith('him:') ? `him:${actor}` : actor],
    ['role', oneOf('role', filters.role, HIM_ROLES)],
    ['action', text('action')],
    ['target', text('target')],
    ['purpose', oneOf('purpose', filters.purpose, PURPOSES_OF_USE)],
    ['actionId', actionId],
    ['limit', page.limit ?? ''],
    ['cursor', page.cursor ?? ''],
  ]);
}

/** Query parameters of `GET deliveries`. @throws {FilterError} */
export function deliveriesParams(state, page = {}) {
  return params([
    ['state', oneOf('state', state, DELIVERY_STATES)],
    ['limit', page.limit ?? ''],
    ['cursor', page.cursor ?? ''],
  ]);
}

/** Path of one delivery (outbox item) under `v1/him/`, each id escaped. */
export function deliveryPath(item) {
  const ids = [item.senderId, item.noteId, String(item.version)].map(encodeURIComponent).join('/');
  return `deliveries/${ids}`;
}

/** Event kind of an outbox item as the API names it (`finalized`, `amended`, `retracted`). */
export function deliveryEvent(item) {
  return oneOf('event', item.eventKind, DELIVERY_EVENTS) || 'finalized';
}

/**
 * Whether identifiers may be sent to this API base: HTTPS, or loopback during
 * local development (the local runtime serves plain HTTP on 127.0.0.1).
 */
export function isSecureBase(apiBase) {
  const url = new URL(apiBase);
  return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** Full URL of an HIM API call on a cell. */
export function apiUrl(apiBase, path, search) {
  const url = new URL(`v1/him/${path}`, apiBase);
  if (search && [...search.keys()].length > 0) url.search = search.toString();
  return url.toString();
}
