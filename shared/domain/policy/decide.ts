import { daysUntilExpiry, EXPIRY_WARNING_DAYS, expiryOf } from './expiry.js';
import type { Jurisdiction, Mechanism, MovementKind, ResidencyPolicy, TransferRule } from './model.js';

/** One end of a movement. `jurisdiction` is derived from `country` when absent, and must agree with it when present. */
export interface MovementEnd {
  country: string;
  jurisdiction?: string;
}

export interface MovementRequest {
  kind: MovementKind;
  from: MovementEnd;
  to: MovementEnd;
  /** The receiving organisation, required by mechanisms such as `eu-us-dpf`. */
  recipient?: { organizationId: string; dpfCertified: boolean };
  at: Date;
}

/**
 * Why the decision came out as it did, for callers that branch on it and for tests;
 * `reason` is the human-readable form.
 */
export type DecisionBasis =
  | 'rule'
  | 'default-deny'
  | 'unknown-country'
  | 'unknown-jurisdiction'
  | 'country-mismatch'
  | 'strict-localisation'
  | 'forward-into-strict'
  | 'mechanism-expired'
  | 'recipient-not-certified';

export interface MovementDecision {
  decision: 'allowed' | 'denied';
  basis: DecisionBasis;
  /** The policy rule that decided, when one did. */
  ruleId?: string;
  /** The legal mechanism of an allowing rule (also given when it was denied for expiry or recipient). */
  mechanism?: Mechanism;
  /** Human readable, names countries, jurisdictions, rules and organisation ids only: never PHI. */
  reason: string;
  /** The allowing mechanism lapses within EXPIRY_WARNING_DAYS of `at`. */
  expiresSoon?: boolean;
}

const deny = (
  basis: DecisionBasis,
  reason: string,
  extra: Partial<MovementDecision> = {},
): MovementDecision => ({
  decision: 'denied',
  basis,
  reason,
  ...extra,
});

type Resolved = { ok: true; jurisdiction: Jurisdiction } | { ok: false; denial: MovementDecision };

function resolveEnd(policy: ResidencyPolicy, end: MovementEnd, role: 'source' | 'destination'): Resolved {
  const byCountry = policy.jurisdictions.find((j) => j.countries.includes(end.country));
  if (!byCountry) {
    return {
      ok: false,
      denial: deny(
        'unknown-country',
        `${role} country ${end.country} belongs to no jurisdiction of the policy`,
      ),
    };
  }
  if (end.jurisdiction === undefined) return { ok: true, jurisdiction: byCountry };
  const named = policy.jurisdictions.find((j) => j.id === end.jurisdiction);
  if (!named) {
    return {
      ok: false,
      denial: deny('unknown-jurisdiction', `${role} jurisdiction "${end.jurisdiction}" is not in the policy`),
    };
  }
  if (named.id !== byCountry.id) {
    return {
      ok: false,
      denial: deny(
        'country-mismatch',
        `${role} country ${end.country} belongs to "${byCountry.id}", not "${named.id}"`,
      ),
    };
  }
  return { ok: true, jurisdiction: named };
}

/**
 * The rule governing `from → to` for `kind`: a rule naming the kind beats a rule
 * for all kinds; at equal specificity a deny beats an allow, then file order.
 */
export function findRule(
  policy: ResidencyPolicy,
  from: string,
  to: string,
  kind: MovementKind,
): TransferRule | undefined {
  const candidates = policy.transfers.filter(
    (r) => r.from === from && r.to === to && (r.kinds === undefined || r.kinds.includes(kind)),
  );
  const rank = (r: TransferRule) => (r.kinds ? 0 : 2) + (r.decision === 'deny' ? 0 : 1);
  return candidates.reduce<TransferRule | undefined>(
    (best, r) => (best === undefined || rank(r) < rank(best) ? r : best),
    undefined,
  );
}

function applyAllow(
  rule: Extract<TransferRule, { decision: 'allow' }>,
  request: MovementRequest,
  corridor: string,
): MovementDecision {
  const { mechanism } = rule;
  const base = { ruleId: rule.id, mechanism };
  const expires = expiryOf(mechanism);
  const days = expires ? daysUntilExpiry(expires, request.at) : undefined;
  if (expires && days !== undefined && days < 0) {
    return deny(
      'mechanism-expired',
      `${mechanism.type} mechanism of rule ${rule.id} for ${corridor} expired on ${expires}`,
      base,
    );
  }
  if (mechanism.type === 'eu-us-dpf' && !request.recipient?.dpfCertified) {
    const who = request.recipient
      ? `recipient organisation "${request.recipient.organizationId}" is not certified`
      : 'no certified recipient organisation was named';
    return deny(
      'recipient-not-certified',
      `rule ${rule.id} for ${corridor} relies on the EU-US Data Privacy Framework, but ${who}`,
      base,
    );
  }
  const decision: MovementDecision = {
    decision: 'allowed',
    basis: 'rule',
    ...base,
    reason: `${request.kind} ${corridor} allowed by rule ${rule.id} (${mechanism.type}${
      'reference' in mechanism ? `: ${mechanism.reference}` : ''
    })`,
  };
  if (days !== undefined) decision.expiresSoon = days <= EXPIRY_WARNING_DAYS;
  return decision;
}

/**
 * Decides whether a movement of a note is allowed by the residency policy. Pure.
 *
 * Default deny: an unknown country or jurisdiction, a movement out of a strictly
 * localised jurisdiction, a `forward` into one, a missing rule, an expired
 * mechanism (valid through the whole expiry day, UTC) and an `eu-us-dpf`
 * transfer to an uncertified recipient are all denied, each with its reason.
 *
 * @example
 * decideMovement(policy, { kind: 'egress', from: { country: 'GB' }, to: { country: 'US' },
 *   recipient: { organizationId: 'mercy-health', dpfCertified: true }, at: new Date() });
 */
export function decideMovement(policy: ResidencyPolicy, request: MovementRequest): MovementDecision {
  const source = resolveEnd(policy, request.from, 'source');
  if (!source.ok) return source.denial;
  const destination = resolveEnd(policy, request.to, 'destination');
  if (!destination.ok) return destination.denial;
  const from = source.jurisdiction;
  const to = destination.jurisdiction;
  const corridor = `${from.id} → ${to.id}`;

  if (from.id !== to.id && from.strictLocalisation) {
    return deny(
      'strict-localisation',
      `"${from.id}" is strictly localised: no ${request.kind} out of it to "${to.id}" is allowed`,
    );
  }
  const rule = findRule(policy, from.id, to.id, request.kind);
  if (rule?.decision === 'deny') {
    return deny('rule', `${request.kind} ${corridor} denied by rule ${rule.id}: ${rule.reason}`, {
      ruleId: rule.id,
    });
  }
  if (request.kind === 'forward' && from.id !== to.id && to.strictLocalisation) {
    return deny(
      'forward-into-strict',
      `"${to.id}" is strictly localised: a note already processed in "${from.id}" cannot be forwarded into it; the sender must post it to the ${to.id} cell directly`,
    );
  }
  if (!rule) {
    return deny('default-deny', `no rule allows ${request.kind} ${corridor} (default deny)`);
  }
  return applyAllow(rule, request, corridor);
}
