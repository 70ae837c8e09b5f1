/**
 * Whether `event` matches a Lambda event filter pattern, for the subset of the
 * pattern syntax visitbridge uses: nested objects, lists of exact values (any
 * one matches) and `{ "prefix": … }`. Any other rule throws, so a test never
 * passes on a rule this matcher does not understand.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((rule) => matchesRule(rule, event));
  if (pattern !== null && typeof pattern === 'object') {
    if (event === null || typeof event !== 'object') return false;
    return Object.entries(pattern).every(([key, inner]) =>
      matchesPattern(inner, (event as Record<string, unknown>)[key]),
    );
  }
  throw new Error(`unsupported filter pattern ${JSON.stringify(pattern)}`);
}

function matchesRule(rule: unknown, value: unknown): boolean {
  if (typeof rule === 'string' || typeof rule === 'number') return value === rule;
  if (rule !== null && typeof rule === 'object' && Object.keys(rule).join() === 'prefix') {
    const { prefix } = rule as { prefix: string };
    return typeof value === 'string' && value.startsWith(prefix);
  }
  throw new Error(`unsupported filter rule ${JSON.stringify(rule)}`);
}
