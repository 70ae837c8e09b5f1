import * as z from 'zod';
import { CountryCode } from '../event/schema.js';
import { regionCountry } from './regions.js';
import { RetentionSchedule } from './retention.js';

/** Kinds of cross-border movement the ledger records (docs/ledger.md). */
export const MOVEMENT_KINDS = ['inbound', 'forward', 'egress', 'remote-access'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** A jurisdiction's id, which is also its cell's id: short, lower case, usable in names and URLs. */
export const CELL_ID_PATTERN = /^[a-z][a-z0-9-]{1,15}$/;
/** A cell id inside a larger pattern (a corridor `uk:us`). */
const CELL_ID_PART = CELL_ID_PATTERN.source.slice(1, -1);
/** `FROM:TO` jurisdiction ids. */
export const CORRIDOR_PATTERN = new RegExp(`^${CELL_ID_PART}:${CELL_ID_PART}$`);

export const JurisdictionId = z.string().regex(CELL_ID_PATTERN, 'must be a short lower-case id such as "uk"');
const IsoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

export const Jurisdiction = z.object({
  id: JurisdictionId,
  name: z.string().min(1),
  countries: z.array(CountryCode).min(1),
  /** AWS region of the cell that holds this jurisdiction's data. */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as "eu-west-2"')
    .refine(
      (region) => regionCountry(region) !== undefined,
      'must be an AWS region visitbridge knows the country of',
    ),
  /** How long each record class is kept, and the floors the law sets (docs/retention.md). */
  retention: RetentionSchedule,
  /** When true, no movement out of this jurisdiction is ever allowed, whatever the rules say. */
  strictLocalisation: z.boolean().default(false),
  /** What a cell does with a note whose patient lives in another cell. */
  misrouting: z.enum(['forward', 'reject']).default('reject'),
});
export type Jurisdiction = z.infer<typeof Jurisdiction>;

export const Mechanism = z.discriminatedUnion('type', [
  z.object({ type: z.literal('intra-jurisdiction') }),
  z.object({ type: z.literal('adequacy'), reference: z.string().min(1), expires: IsoDate.optional() }),
  z.object({
    type: z.literal('eu-us-dpf'),
    reference: z.string().min(1),
    requiresCertifiedRecipient: z.literal(true),
    expires: IsoDate.optional(),
  }),
  z.object({ type: z.literal('scc'), reference: z.string().min(1), expires: IsoDate.optional() }),
  z.object({ type: z.literal('idta'), reference: z.string().min(1), expires: IsoDate.optional() }),
  z.object({ type: z.literal('treatment-disclosure'), reference: z.string().min(1) }),
  z.object({ type: z.literal('explicit-consent'), reference: z.string().min(1) }),
  z.object({ type: z.literal('art49-vital-interests'), reference: z.string().min(1) }),
  z.object({ type: z.literal('art49-explicit-consent'), reference: z.string().min(1) }),
]);
export type Mechanism = z.infer<typeof Mechanism>;

const RuleBase = {
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'must be a lower-case rule id'),
  from: JurisdictionId,
  to: JurisdictionId,
  /** Movement kinds the rule covers; all kinds when absent. */
  kinds: z.array(z.enum(MOVEMENT_KINDS)).min(1).optional(),
};

export const TransferRule = z.discriminatedUnion('decision', [
  z.object({ ...RuleBase, decision: z.literal('allow'), mechanism: Mechanism }),
  z.object({ ...RuleBase, decision: z.literal('deny'), reason: z.string().min(1) }),
]);
export type TransferRule = z.infer<typeof TransferRule>;

/** How to reach an EHR. Auth and capabilities drive the delivery worker; `baseUrl` may be overridden per environment. */
export const EhrTarget = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  jurisdiction: JurisdictionId,
  country: CountryCode,
  profile: z.enum(['generic-fhir', 'epic-like']),
  baseUrl: z.url().optional(),
  auth: z
    .object({
      type: z.literal('smart-backend'),
      clientId: z.string().min(1),
      tokenUrl: z.url().optional(),
      alg: z.enum(['RS384', 'ES384']).default('ES384'),
      scope: z.string().default('system/*.write system/*.read'),
    })
    .optional(),
  conditionalCreate: z.boolean(),
  transactions: z.boolean(),
  contentTypes: z.array(z.enum(['text/plain', 'text/markdown'])).min(1),
  encounterMustExist: z.boolean(),
});
export type EhrTarget = z.infer<typeof EhrTarget>;

export const Organization = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  country: CountryCode,
  ehrTarget: z.string().min(1),
  /** Certified under the EU-US Data Privacy Framework (recipients of `eu-us-dpf` transfers must be). */
  dpfCertified: z.boolean().default(false),
});
export type Organization = z.infer<typeof Organization>;

export const ResidencyPolicy = z
  .object({
    policyVersion: z.string().min(1),
    jurisdictions: z.array(Jurisdiction).min(1),
    organizations: z.array(Organization).default([]),
    ehrTargets: z.array(EhrTarget).default([]),
    transfers: z.array(TransferRule).default([]),
  })
  .superRefine((policy, ctx) => {
    const ids = new Set<string>();
    const countries = new Map<string, string>();
    policy.jurisdictions.forEach((j, i) => {
      if (ids.has(j.id))
        ctx.addIssue({
          code: 'custom',
          path: ['jurisdictions', i, 'id'],
          message: `duplicate jurisdiction "${j.id}"`,
        });
      ids.add(j.id);
      j.countries.forEach((c, k) => {
        const owner = countries.get(c);
        if (owner) {
          ctx.addIssue({
            code: 'custom',
            path: ['jurisdictions', i, 'countries', k],
            message: `country ${c} already belongs to "${owner}"`,
          });
        }
        countries.set(c, j.id);
      });
    });
    const targets = new Set(policy.ehrTargets.map((t) => t.id));
    policy.ehrTargets.forEach((t, i) => {
      if (!ids.has(t.jurisdiction)) {
        ctx.addIssue({
          code: 'custom',
          path: ['ehrTargets', i, 'jurisdiction'],
          message: `unknown jurisdiction "${t.jurisdiction}"`,
        });
      }
    });
    policy.organizations.forEach((o, i) => {
      if (!targets.has(o.ehrTarget)) {
        ctx.addIssue({
          code: 'custom',
          path: ['organizations', i, 'ehrTarget'],
          message: `unknown EHR target "${o.ehrTarget}"`,
        });
      }
    });
    const byId = new Map(policy.jurisdictions.map((j) => [j.id, j]));
    policy.transfers.forEach((rule, i) => {
      for (const end of ['from', 'to'] as const) {
        if (!ids.has(rule[end])) {
          ctx.addIssue({
            code: 'custom',
            path: ['transfers', i, end],
            message: `unknown jurisdiction "${rule[end]}"`,
          });
        }
      }
      if (rule.decision === 'allow' && rule.from !== rule.to && byId.get(rule.from)?.strictLocalisation) {
        ctx.addIssue({
          code: 'custom',
          path: ['transfers', i, 'decision'],
          message: `"${rule.from}" is strictly localised: no rule may allow a movement out of it`,
        });
      }
    });
  });
export type ResidencyPolicy = z.infer<typeof ResidencyPolicy>;
