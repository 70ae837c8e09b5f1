import * as z from 'zod';

const when = z.enum(['before', 'after-commit']);

/** Which requests a rule applies to; `count` and `probability` say how often it fires. */
const selector = {
  /** Endpoint family: FHIR API (default) or the token endpoint. */
  target: z.enum(['fhir', 'token']).default('fhir'),
  methods: z.array(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])).optional(),
  resourceTypes: z.array(z.string().min(1)).optional(),
  /** Fire on at most this many matching requests, then stop. */
  count: z.number().int().positive().optional(),
  /** Chance of firing on each matching request (seeded PRNG); default 1. */
  probability: z.number().min(0).max(1).optional(),
};

/**
 * One fault rule: `status` (500/502/503/504), `rate-limit` (429 + Retry-After),
 * `delay` or `reset` (socket destroyed), each before or after the write commits.
 */
export const faultRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('status'),
    status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
    /** `after-commit`: the request is processed and stored, then the status replaces the real answer. */
    when: when.default('before'),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
    ...selector,
  }),
  z.strictObject({
    kind: z.literal('rate-limit'),
    retryAfterSeconds: z.number().int().nonnegative(),
    ...selector,
  }),
  z.strictObject({
    kind: z.literal('delay'),
    delayMs: z.number().int().positive().max(600_000),
    /** `before`: wait, then process only if the client is still connected. `after-commit`: store, then wait. */
    when: when.default('before'),
    ...selector,
  }),
  z.strictObject({
    kind: z.literal('reset'),
    /** `before`: drop the connection unprocessed. `after-commit`: store, then destroy the socket. */
    when: when.default('after-commit'),
    ...selector,
  }),
]);

/** The whole fault configuration: a seed and an ordered rule list (first firing rule wins). */
export const faultConfigSchema = z.strictObject({
  /** PRNG seed for `probability`; the same seed and request sequence give the same faults. */
  seed: z.number().int().default(0x5eed),
  rules: z.array(faultRuleSchema).max(50),
});

/** Fault configuration as callers write it (defaults optional). */
export type FaultConfig = z.input<typeof faultConfigSchema>;
/** One parsed rule, defaults applied. */
export type FaultRule = z.output<typeof faultRuleSchema>;

/** What a request looks like to the fault selector. */
export interface FaultContext {
  target: 'fhir' | 'token';
  method: string;
  resourceType?: string;
}

interface ArmedRule {
  rule: FaultRule;
  fired: number;
}

/** mulberry32: small, fast, seedable; good enough to spread faults, not for crypto. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Decides, per request, which configured fault (if any) to inject. The first
 * matching rule that fires wins; a request gets at most one fault.
 */
export class FaultInjector {
  #seed = 0x5eed;
  #random = seededRandom(this.#seed);
  #rules: ArmedRule[] = [];
  #injected = 0;

  /**
   * Replaces the rules and reseeds the PRNG.
   * @throws TypeError when the configuration does not parse (message lists the problems).
   */
  set(config: unknown): void {
    const parsed = faultConfigSchema.safeParse(config);
    if (!parsed.success) {
      throw new TypeError(`invalid fault configuration: ${z.prettifyError(parsed.error)}`, {
        cause: parsed.error,
      });
    }
    this.#seed = parsed.data.seed;
    this.#random = seededRandom(this.#seed);
    this.#rules = parsed.data.rules.map((rule) => ({ rule, fired: 0 }));
  }

  /** Removes every rule; the injected-fault counter is kept for stats. */
  reset(): void {
    this.set({ rules: [] });
  }

  /** The fault to inject for this request, or undefined. Consumes counts and PRNG draws. */
  pick(request: FaultContext): FaultRule | undefined {
    for (const armed of this.#rules) {
      const { rule } = armed;
      if (!matches(rule, request)) continue;
      if (rule.count !== undefined && armed.fired >= rule.count) continue;
      if (rule.probability !== undefined && this.#random() >= rule.probability) continue;
      armed.fired += 1;
      this.#injected += 1;
      return rule;
    }
    return undefined;
  }

  /** Current rules with how often each fired, for `GET /_sandbox/faults`. */
  snapshot(): { seed: number; injected: number; rules: (FaultRule & { fired: number })[] } {
    return {
      seed: this.#seed,
      injected: this.#injected,
      rules: this.#rules.map(({ rule, fired }) => ({ ...rule, fired })),
    };
  }

  get injected(): number {
    return this.#injected;
  }
}

function matches(rule: FaultRule, request: FaultContext): boolean {
  if (rule.target !== request.target) return false;
  if (rule.methods && !rule.methods.includes(request.method as 'GET')) return false;
  if (rule.resourceTypes && (!request.resourceType || !rule.resourceTypes.includes(request.resourceType))) {
    return false;
  }
  return true;
}
