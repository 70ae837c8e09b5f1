import { daysUntilExpiry, EXPIRY_WARNING_DAYS, expiryOf } from './expiry.js';
import type { MovementKind, ResidencyPolicy, TransferRule } from './model.js';
import { floorBreaches } from './retention.js';

export type PolicyWarningCode =
  | 'mechanism-expired'
  | 'mechanism-expiring'
  | 'no-rule'
  | 'no-intra-rule'
  | 'unreachable-cell'
  | 'organization-country-unknown'
  | 'egress-without-rule'
  | 'retention-below-floor';

/** Something a valid policy does that will deny movements its authors probably expect to work. */
export interface PolicyWarning {
  code: PolicyWarningCode;
  message: string;
  /** JSON path in the policy file, when the warning is about one element. */
  path?: string;
}

const allows = (r: TransferRule, kind: MovementKind) =>
  r.decision === 'allow' && (r.kinds === undefined || r.kinds.includes(kind));

function expiryWarnings(policy: ResidencyPolicy, now: Date): PolicyWarning[] {
  return policy.transfers.flatMap((rule, i): PolicyWarning[] => {
    if (rule.decision !== 'allow') return [];
    const expires = expiryOf(rule.mechanism);
    if (!expires) return [];
    const days = daysUntilExpiry(expires, now);
    const path = `transfers[${i}].mechanism.expires`;
    if (days < 0) {
      return [
        {
          code: 'mechanism-expired',
          path,
          message: `rule ${rule.id}: ${rule.mechanism.type} mechanism expired on ${expires}; ${rule.from} → ${rule.to} is denied`,
        },
      ];
    }
    if (days > EXPIRY_WARNING_DAYS) return [];
    return [
      {
        code: 'mechanism-expiring',
        path,
        message: `rule ${rule.id}: ${rule.mechanism.type} mechanism expires on ${expires} (${days} days left)`,
      },
    ];
  });
}

function coverageWarnings(policy: ResidencyPolicy): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  for (const from of policy.jurisdictions) {
    for (const to of policy.jurisdictions) {
      const ruled = policy.transfers.some((r) => r.from === from.id && r.to === to.id);
      if (ruled) continue;
      if (from.id === to.id) {
        warnings.push({
          code: 'no-intra-rule',
          message: `no intra-jurisdiction rule for "${from.id}": even movements inside it are denied`,
        });
      } else if (!from.strictLocalisation) {
        warnings.push({
          code: 'no-rule',
          message: `no rule for ${from.id} → ${to.id}: every movement is denied by default`,
        });
      }
    }
  }
  return warnings;
}

function reachabilityWarnings(policy: ResidencyPolicy): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  const targetJurisdiction = new Map(policy.ehrTargets.map((t) => [t.id, t.jurisdiction]));
  for (const j of policy.jurisdictions) {
    const targets = policy.ehrTargets.filter((t) => t.jurisdiction === j.id);
    const orgs = policy.organizations.filter((o) => targetJurisdiction.get(o.ehrTarget) === j.id);
    if (targets.length === 0) {
      warnings.push({
        code: 'unreachable-cell',
        message: `cell "${j.id}" has no EHR target: nothing can be delivered there`,
      });
    } else if (orgs.length === 0) {
      warnings.push({
        code: 'unreachable-cell',
        message: `cell "${j.id}" has no organization whose EHR target is in it`,
      });
    }
    const others = policy.jurisdictions.filter((o) => o.id !== j.id);
    const inbound = policy.transfers.some((r) => r.to === j.id && r.from !== j.id && allows(r, 'inbound'));
    if (others.length > 0 && !inbound) {
      warnings.push({
        code: 'unreachable-cell',
        message: `cell "${j.id}" has no inbound rule: notes written abroad for its patients are always denied`,
      });
    }
  }
  return warnings;
}

function egressWarnings(policy: ResidencyPolicy): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  policy.organizations.forEach((org, i) => {
    const home = policy.jurisdictions.find((j) => j.countries.includes(org.country));
    const path = `organizations[${i}]`;
    if (!home) {
      warnings.push({
        code: 'organization-country-unknown',
        path,
        message: `organization "${org.id}": country ${org.country} belongs to no jurisdiction`,
      });
      return;
    }
    const target = policy.ehrTargets.find((t) => t.id === org.ehrTarget);
    if (!target || target.jurisdiction === home.id) return;
    const egress = policy.transfers.some(
      (r) => r.from === home.id && r.to === target.jurisdiction && allows(r, 'egress'),
    );
    if (!egress) {
      warnings.push({
        code: 'egress-without-rule',
        path,
        message: `organization "${org.id}" (${home.id}) uses EHR target "${target.id}" in "${target.jurisdiction}", but no rule allows egress ${home.id} → ${target.jurisdiction}`,
      });
    }
  });
  return warnings;
}

function retentionWarnings(policy: ResidencyPolicy): PolicyWarning[] {
  return policy.jurisdictions.flatMap((j, i) =>
    floorBreaches(j.retention).map(({ recordClass, days, floor }) => ({
      code: 'retention-below-floor' as const,
      path: `jurisdictions[${i}].retention.days.${recordClass}`,
      message: `"${j.id}" keeps ${recordClass} ${days} days, shorter than the ${floor.minimumDays} days of ${floor.basis}`,
    })),
  );
}

/**
 * Checks a schema-valid policy for traps: mechanisms that lapsed or lapse within
 * EXPIRY_WARNING_DAYS of `now`, jurisdiction pairs without any rule, cells no note
 * can reach, organizations whose EHR sits abroad without an egress rule, and
 * retention schedules shorter than a floor the policy states. Pure.
 */
export function policyWarnings(policy: ResidencyPolicy, now: Date): PolicyWarning[] {
  return [
    ...expiryWarnings(policy, now),
    ...coverageWarnings(policy),
    ...reachabilityWarnings(policy),
    ...egressWarnings(policy),
    ...retentionWarnings(policy),
  ];
}
