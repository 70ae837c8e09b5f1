import { loadPolicy } from '../../../shared/config/load-policy.js';
import { decideMovement, type MovementRequest } from '../../../shared/domain/policy/decide.js';
import type { MovementKind } from '../../../shared/domain/policy/model.js';
import { parsePolicy } from '../../../shared/domain/policy/parse.js';

const policy = loadPolicy('policy/default-policy.json');
const AT = new Date('2026-11-25T10:00:00Z');
const certified = { organizationId: 'mercy-health', dpfCertified: true };
/** A jurisdiction's retention, as this file's hand-written policies need one. */
const RETENTION = (policy.jurisdictions[0] as (typeof policy.jurisdictions)[number]).retention;

const move = (kind: MovementKind, from: string, to: string, extra: Partial<MovementRequest> = {}) =>
  decideMovement(policy, { kind, from: { country: from }, to: { country: to }, at: AT, ...extra });

/** One row per rule of policy/default-policy.json: a movement it governs and the outcome. */
const RULE_TABLE: Array<
  [ruleId: string, kind: MovementKind, from: string, to: string, outcome: 'allowed' | 'denied']
> = [
  ['uk.intra', 'egress', 'GB', 'GB', 'allowed'],
  ['eu.intra', 'forward', 'DE', 'FR', 'allowed'],
  ['us.intra', 'egress', 'US', 'US', 'allowed'],
  ['ca.intra', 'remote-access', 'CA', 'CA', 'allowed'],
  ['au.intra', 'egress', 'AU', 'AU', 'allowed'],
  ['eu-uk.adequacy', 'forward', 'DE', 'GB', 'allowed'],
  ['uk-eu.adequacy', 'egress', 'GB', 'IE', 'allowed'],
  ['eu-ca.adequacy', 'egress', 'FR', 'CA', 'allowed'],
  ['uk-ca.adequacy', 'inbound', 'GB', 'CA', 'allowed'],
  ['eu-us.dpf', 'egress', 'DE', 'US', 'allowed'],
  ['uk-us.dpf', 'forward', 'GB', 'US', 'allowed'],
  ['us-uk.treatment', 'inbound', 'US', 'GB', 'allowed'],
  ['us-eu.treatment', 'inbound', 'US', 'NL', 'allowed'],
  ['us-ca.treatment', 'egress', 'US', 'CA', 'allowed'],
  ['ca-us.scc', 'egress', 'CA', 'US', 'allowed'],
  ['ca-uk.scc', 'remote-access', 'CA', 'GB', 'allowed'],
  ['ca-eu.scc', 'forward', 'CA', 'DE', 'allowed'],
  ['uk-au.inbound', 'inbound', 'GB', 'AU', 'allowed'],
  ['eu-au.inbound', 'inbound', 'IT', 'AU', 'allowed'],
  ['us-au.inbound', 'inbound', 'US', 'AU', 'allowed'],
  ['ca-au.inbound', 'inbound', 'CA', 'AU', 'allowed'],
  ['eu-au.forward', 'forward', 'DE', 'AU', 'denied'],
];

describe('decideMovement on the default policy', () => {
  it('has a table row for every rule of the default policy', () => {
    expect(RULE_TABLE.map(([id]) => id).sort()).toEqual(policy.transfers.map((r) => r.id).sort());
  });

  it.each(RULE_TABLE)('rule %s decides %s %s → %s as %s', (ruleId, kind, from, to, outcome) => {
    const decision = move(kind, from, to, { recipient: certified });
    expect(decision).toMatchObject({ decision: outcome, ruleId });
    expect(decision.reason).toContain(ruleId);
  });

  it('returns the allowing mechanism with the decision', () => {
    const decision = move('inbound', 'US', 'GB');
    expect(decision.mechanism).toEqual({
      type: 'treatment-disclosure',
      reference: '45 CFR 164.506(c) disclosure for treatment',
    });
  });

  it.each([
    ['inbound', 'AU', 'GB'],
    ['egress', 'AU', 'US'],
    ['forward', 'AU', 'CA'],
    ['remote-access', 'AU', 'DE'],
  ] as const)('denies %s out of strictly localised au (%s → %s)', (kind, from, to) => {
    expect(move(kind, from, to)).toMatchObject({ decision: 'denied', basis: 'strict-localisation' });
  });

  it('denies forwarding into strictly localised au from a cell without an explicit rule', () => {
    const decision = move('forward', 'GB', 'AU');
    expect(decision).toMatchObject({ decision: 'denied', basis: 'forward-into-strict' });
    expect(decision.reason).toMatch(/already processed in "uk"/);
  });

  it('denies a kind the only rule of a corridor does not cover (egress uk → au)', () => {
    expect(move('egress', 'GB', 'AU')).toMatchObject({ decision: 'denied', basis: 'default-deny' });
  });

  it('names the rule reason when an explicit deny rule matches', () => {
    expect(move('forward', 'FR', 'AU').reason).toContain('must be posted to the AU cell directly');
  });
});

describe('decideMovement: unknown places', () => {
  it('denies a country that belongs to no jurisdiction', () => {
    const decision = move('inbound', 'JP', 'GB');
    expect(decision).toMatchObject({ decision: 'denied', basis: 'unknown-country' });
    expect(decision.reason).toContain('JP');
  });

  it('denies an unknown destination country', () => {
    expect(move('egress', 'GB', 'BR')).toMatchObject({ decision: 'denied', basis: 'unknown-country' });
  });

  it('denies a jurisdiction id that is not in the policy', () => {
    const decision = decideMovement(policy, {
      kind: 'forward',
      from: { country: 'GB', jurisdiction: 'uk' },
      to: { country: 'US', jurisdiction: 'mars' },
      at: AT,
    });
    expect(decision).toMatchObject({ decision: 'denied', basis: 'unknown-jurisdiction' });
  });

  it('denies a country paired with the wrong jurisdiction', () => {
    const decision = decideMovement(policy, {
      kind: 'egress',
      from: { country: 'GB', jurisdiction: 'eu' },
      to: { country: 'DE', jurisdiction: 'eu' },
      at: AT,
    });
    expect(decision).toMatchObject({ decision: 'denied', basis: 'country-mismatch' });
  });

  it('accepts a jurisdiction that agrees with its country', () => {
    const decision = decideMovement(policy, {
      kind: 'egress',
      from: { country: 'GB', jurisdiction: 'uk' },
      to: { country: 'DE', jurisdiction: 'eu' },
      at: AT,
    });
    expect(decision).toMatchObject({ decision: 'allowed', ruleId: 'uk-eu.adequacy' });
  });
});

describe('decideMovement: mechanism expiry (eu-uk adequacy expires 2031-12-27)', () => {
  const at = (iso: string) => move('forward', 'DE', 'GB', { at: new Date(iso) });

  it('allows on the last moment of the expiry day', () => {
    expect(at('2031-12-27T23:59:59.999Z')).toMatchObject({ decision: 'allowed', expiresSoon: true });
  });

  it('denies from the first moment of the next day, naming the expiry', () => {
    const decision = at('2031-12-28T00:00:00.000Z');
    expect(decision).toMatchObject({
      decision: 'denied',
      basis: 'mechanism-expired',
      ruleId: 'eu-uk.adequacy',
    });
    expect(decision.reason).toContain('expired on 2031-12-27');
  });

  it('flags expiresSoon within 90 days of the expiry', () => {
    expect(at('2031-09-28T12:00:00Z').expiresSoon).toBe(true);
  });

  it('does not flag expiresSoon further out', () => {
    expect(at('2031-09-27T12:00:00Z').expiresSoon).toBe(false);
  });

  it('leaves expiresSoon out for a mechanism without expiry', () => {
    expect(move('egress', 'GB', 'DE')).not.toHaveProperty('expiresSoon');
  });
});

describe('decideMovement: EU-US Data Privacy Framework', () => {
  it('allows a certified recipient', () => {
    expect(move('egress', 'DE', 'US', { recipient: certified })).toMatchObject({ decision: 'allowed' });
  });

  it('denies an uncertified recipient, naming the organisation', () => {
    const decision = move('egress', 'DE', 'US', {
      recipient: { organizationId: 'acme-clinic', dpfCertified: false },
    });
    expect(decision).toMatchObject({
      decision: 'denied',
      basis: 'recipient-not-certified',
      ruleId: 'eu-us.dpf',
    });
    expect(decision.reason).toContain('acme-clinic');
  });

  it('denies when no recipient is named', () => {
    expect(move('egress', 'GB', 'US')).toMatchObject({
      decision: 'denied',
      basis: 'recipient-not-certified',
    });
  });
});

describe('decideMovement: rule selection', () => {
  const custom = parsePolicy(
    {
      policyVersion: 't',
      jurisdictions: [
        { id: 'uk', name: 'UK', countries: ['GB'], region: 'eu-west-2', retention: RETENTION },
        { id: 'us', name: 'US', countries: ['US'], region: 'us-east-1', retention: RETENTION },
      ],
      transfers: [
        { id: 'all', from: 'uk', to: 'us', decision: 'allow', mechanism: { type: 'scc', reference: 'x' } },
        { id: 'no-remote', from: 'uk', to: 'us', kinds: ['remote-access'], decision: 'deny', reason: 'no' },
        {
          id: 'egress-consent',
          from: 'uk',
          to: 'us',
          kinds: ['egress'],
          decision: 'allow',
          mechanism: { type: 'explicit-consent', reference: 'c' },
        },
        { id: 'egress-deny', from: 'uk', to: 'us', kinds: ['egress'], decision: 'deny', reason: 'paused' },
      ],
    },
    'inline',
  );
  const decide = (kind: MovementKind) =>
    decideMovement(custom, { kind, from: { country: 'GB' }, to: { country: 'US' }, at: AT });

  it('prefers a rule naming the kind over one for all kinds', () => {
    expect(decide('remote-access')).toMatchObject({ decision: 'denied', ruleId: 'no-remote' });
  });

  it('lets a deny beat an allow of the same specificity', () => {
    expect(decide('egress')).toMatchObject({ decision: 'denied', ruleId: 'egress-deny' });
  });

  it('falls back to the rule for all kinds', () => {
    expect(decide('inbound')).toMatchObject({ decision: 'allowed', ruleId: 'all' });
  });

  it('denies by default inside a jurisdiction without an intra rule', () => {
    const decision = decideMovement(custom, {
      kind: 'egress',
      from: { country: 'GB' },
      to: { country: 'GB' },
      at: AT,
    });
    expect(decision).toMatchObject({ decision: 'denied', basis: 'default-deny' });
  });
});
