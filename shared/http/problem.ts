import { AppError, type ErrorCode, isAppError } from '../domain/errors.js';

export const PROBLEM_BASE = 'https://visitbridge.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

interface ProblemSpec {
  status: number;
  title: string;
  /** When a caller gets it, for the generated `docs/problems.md` (never sent). */
  when: string;
}

/** The single table from failure cause to HTTP status; the problem `type` is derived from the code. */
export const PROBLEMS: Readonly<Record<ErrorCode, ProblemSpec>> = {
  'payload-too-large': { status: 413, title: 'Payload too large', when: 'the body is over 256 KB' },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    when: "a webhook's `content-type` is not `application/json`",
  },
  'missing-signature-headers': {
    status: 400,
    title: 'Missing Standard Webhooks headers',
    when: 'a Standard Webhooks header (`webhook-id`, `webhook-timestamp`, `webhook-signature`) is missing',
  },
  'invalid-webhook-id': {
    status: 400,
    title: 'Invalid webhook-id',
    when: '`webhook-id` is not 1-256 printable ASCII characters without spaces',
  },
  'unknown-sender': {
    status: 401,
    title: 'Unknown sender',
    when: 'the sender id in the path is not a sender of this cell',
  },
  'invalid-signature': {
    status: 401,
    title: 'Invalid signature',
    when: 'no signature in `webhook-signature` matches the raw body',
  },
  'stale-timestamp': {
    status: 401,
    title: 'Timestamp outside tolerance',
    when: '`webhook-timestamp` is more than 5 minutes off the receiving clock',
  },
  'invalid-json': {
    status: 400,
    title: 'Body is not valid JSON',
    when: 'the body of a webhook or of an HIM API call is not JSON',
  },
  'invalid-event': {
    status: 422,
    title: 'Event does not match the v1 schema',
    when: 'the event does not match the v1 event schema; `errors` names each field',
  },
  'invalid-coding': {
    status: 422,
    title: "Code fails its code system's syntax or check digit",
    when: "a code fails its code system's syntax or check digit; `errors` names each",
  },
  'implausible-date': {
    status: 422,
    title: 'Date cannot be true',
    when: 'a date cannot be true (born in the future, a visit before birth or ahead of the clock); `errors` names each',
  },
  'organization-not-allowed': {
    status: 403,
    title: 'Sender may not post for this organization',
    when: 'the sender may not post for `organization.id`',
  },
  'unknown-organization': {
    status: 422,
    title: 'Organization is not configured in the residency policy',
    when: "a webhook's `organization.id`, or a legal hold's organization, is not an organization of the residency policy",
  },
  'unknown-country': {
    status: 422,
    title: 'Country has no jurisdiction in the residency policy',
    when: '`patient.residenceCountry` is in no jurisdiction of the residency policy',
  },
  'misdirected-request': {
    status: 421,
    title: 'Note belongs to another cell',
    when: "the patient's home is another cell, which this cell does not forward to; carries `homeCell` and `correctEndpoint`",
  },
  'transfer-denied': {
    status: 451,
    title: 'Transfer denied by the residency policy',
    when: 'the residency policy denies the movement (inbound, forward, a replayed egress, remote access to a note); carries its `basis`, and for a webhook the movement and rule',
  },
  'webhook-id-reused': {
    status: 409,
    title: 'webhook-id reused for a different body',
    when: 'the `webhook-id` was used before for another body',
  },
  'version-conflict': {
    status: 409,
    title: 'Note version already received with different content',
    when: 'the note version was received before with other content',
  },
  'not-found': {
    status: 404,
    title: 'Not found',
    when: 'no such cell, route, HIM API resource, note event or delivery',
  },
  'invalid-path': {
    status: 400,
    title: 'Malformed request path',
    when: 'the path has a malformed percent-encoding, or a sender id that is not 1-64 letters, digits, `.`, `_` or `-`',
  },
  'host-not-allowed': {
    status: 421,
    title: 'Host not served here',
    when: 'local stack: the `Host` header is neither a loopback name nor `HOST` (DNS rebinding)',
  },
  'request-timeout': {
    status: 408,
    title: 'Request not received in time',
    when: "local stack: the request's headers and body did not all arrive within `VISITBRIDGE_REQUEST_TIMEOUT_MS`",
  },
  'invalid-cursor': {
    status: 400,
    title: 'Invalid pagination cursor',
    when: 'a pagination `cursor` this API did not issue',
  },
  'invalid-query': {
    status: 400,
    title: 'Invalid query parameters',
    when: 'an HIM API path, query or body value is not valid; `errors` names each',
  },
  'invalid-action-id': {
    status: 400,
    title: 'Invalid X-HIM-Action header',
    when: 'the `X-HIM-Action` header of an HIM API call is not a UUID (send none and the cell makes one)',
  },
  'method-not-allowed': {
    status: 405,
    title: 'Method not allowed',
    when: 'the HIM API path exists, but not with this method; carries `allow`',
  },
  unauthorized: {
    status: 401,
    title: 'Authentication required',
    when: 'an HIM API call without a valid bearer token (missing, malformed, expired or from another issuer)',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    when: 'the token has none of the roles the HIM API call needs (`x-roles`); the development issuer asked by a client not on this machine',
  },
  'viewer-country-unknown': {
    status: 403,
    title: "Viewer's country unknown",
    when: 'a PHI route (viewing a note) was called with a token whose `custom:country` is missing, malformed or not a country: where the viewer is decides whether it is a cross-border access, so without it nothing is shown; carries `reason`',
  },
  'review-conflict': {
    status: 409,
    title: 'Review does not apply',
    when: 'a review change does not apply to the movement as it stands (already reviewed, a flag not open, or changed by someone else meanwhile); carries `ref` and its current `state`',
  },
  'unknown-patient': {
    status: 422,
    title: 'Patient unknown to this cell',
    when: 'a legal hold or an erasure request names a patient identifier of whom this cell holds no note (or, for an erasure, no key): check the identifier system and value (the identifier is never stored)',
  },
  'hold-already-released': {
    status: 409,
    title: 'Legal hold already released',
    when: 'a release of a legal hold that was released before; carries `holdId` and `releasedAt`',
  },
  'note-expired': {
    status: 410,
    title: 'Note removed under the retention schedule',
    when: 'a replay of a parked delivery whose note ciphertext the retention sweeper has removed: it can no longer be delivered',
  },
  'not-parked': {
    status: 409,
    title: 'Delivery is not parked',
    when: 'a replay of a delivery that is not parked, or left the parked state meanwhile',
  },
  'export-too-large': {
    status: 422,
    title: 'Export too large for one response',
    when: 'a ledger export over 5 MB in one response (narrow the range or page with `GET ledger`), a disclosure report over 20,000 records or an evidence pack over 50,000 records or about 4.4 MB zipped (split the period)',
  },
  'invalid-period': {
    status: 400,
    title: 'Invalid period',
    when: 'a report period (disclosures, evidence pack) whose `from` is not before its `to`, or longer than the report allows; nothing is read',
  },
  'invalid-identifier': {
    status: 400,
    title: 'Invalid patient identifier',
    when: 'a disclosure request whose identifier `system` is not an absolute URI or whose `value` is empty, too long or holds control characters or `|`; the identifier is never echoed',
  },
  'seal-refused': {
    status: 409,
    title: 'Integrity check failed: nothing was sealed',
    when: 'a seal of the ledger or audit log when the chain fails its integrity check; nothing is sealed',
  },
  'ciphertext-mismatch': {
    status: 500,
    title: 'Internal error',
    when: 'a stored ciphertext names another cell, tenant, note or version when it is decrypted',
  },
  'note-erased': {
    status: 410,
    title: 'Note erased',
    when: "a note of a patient whose notes were erased (crypto-shredded): the patient's key is destroyed and the note cannot be read by anyone; carries `erasureId` when known",
  },
  'erasure-blocked': {
    status: 409,
    title: 'Erasure blocked',
    when: 'an erasure that conflicts with an active legal hold or an undelivered note of the patient; carries `holds` and `undelivered` (ids only); nothing was erased',
  },
  'erasure-not-previewed': {
    status: 409,
    title: 'Erasure not previewed',
    when: 'an erasure executed without a preview, with a preview of another patient, or after what the preview showed changed (a new note, a new hold): preview again and execute the new preview',
  },
  'erasure-executed': {
    status: 409,
    title: 'Erasure already executed',
    when: 'a second execution of an erasure request: the first one stands; fetch its certificate',
  },
  'storage-unavailable': {
    status: 503,
    title: 'Service unavailable',
    when: 'DynamoDB, the digest anchor, the signing key or the HIM token keys (JWKS) cannot be reached',
  },
  'patient-index-building': {
    status: 503,
    title: 'Patient index still being built: retry in a minute',
    when: 'a patient hold or an erasure preview while the cell is still putting notes that a release before per-patient keys stored into its patient index (docs/retention.md); each call goes on with it, and so does each retention run; nothing was placed or previewed',
  },
  'nag-report-unavailable': {
    status: 500,
    title: 'cdk-nag report unavailable: no evidence pack made',
    when: 'an evidence pack when the HIM API cannot read its cell’s cdk-nag report: in AWS no readable `cdk-nag-report.json` beside the handler (deploy with the CDK app); locally the synth of the cell failed (see stderr)',
  },
  'forward-failed': {
    status: 502,
    title: 'Home cell unreachable',
    when: 'a misrouted note cannot be forwarded: the home cell is unreachable, answers without a receipt, or refuses the forwarding hop itself',
  },
  internal: { status: 500, title: 'Internal error', when: 'anything unexpected' },
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export const problemType = (code: ErrorCode): string => `${PROBLEM_BASE}${code}`;

/**
 * Turns any thrown value into an RFC 9457 problem. 4xx problems carry the
 * detail and extensions that say what to fix; 5xx problems say nothing internal.
 */
export function toProblem(error: unknown, instance?: string): Problem {
  const appError = isAppError(error) ? error : new AppError('internal', 'unexpected error');
  const spec = PROBLEMS[appError.code];
  const base: Problem = { type: problemType(appError.code), title: spec.title, status: spec.status };
  if (instance) base.instance = instance;
  if (spec.status >= 500) return base;
  return { ...appError.extensions, ...base, detail: appError.detail };
}
