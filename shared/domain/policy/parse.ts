import type * as z from 'zod';
import { type Jurisdiction, ResidencyPolicy } from './model.js';

/** One reason a policy file is invalid, with the JSON path that is wrong (`transfers[3].mechanism.expires`). */
export interface PolicyIssue {
  path: string;
  message: string;
}

/**
 * A residency policy that cannot be used. Thrown at start-up and at synth, so a
 * misconfigured cell never runs on guesses. `issues` names every bad path.
 */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';

  constructor(
    readonly source: string,
    readonly issues: readonly PolicyIssue[],
    options?: { cause?: unknown },
  ) {
    super(
      `invalid residency policy ${source}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
      options,
    );
  }
}

/** `path: message`, or just the message for a problem with the whole document. */
export const formatIssue = (issue: PolicyIssue): string =>
  issue.path ? `${issue.path}: ${issue.message}` : issue.message;

/** Turns a zod path into `transfers[3].mechanism.expires`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    return out ? `${out}.${name}` : name;
  }, '');
}

const toIssues = (error: z.ZodError): PolicyIssue[] =>
  error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));

/**
 * Validates an already-parsed JSON document against the `ResidencyPolicy` schema.
 *
 * @param source where the document came from, used in the error message (a file path).
 * Fields the schema does not know are errors too, so a misspelt field is never ignored.
 *
 * @throws PolicyError naming every bad path.
 * @example
 * const policy = parsePolicy(JSON.parse(text), 'policy/default-policy.json');
 */
export function parsePolicy(json: unknown, source: string): ResidencyPolicy {
  const result = ResidencyPolicy.safeParse(json);
  if (!result.success) throw new PolicyError(source, toIssues(result.error), { cause: result.error });
  const unknown = unknownFields(json, result.data, []);
  if (unknown.length > 0) throw new PolicyError(source, unknown);
  return result.data;
}

/** Fields the schema does not know (zod drops them silently): a typo such as `expries` must not pass as no expiry. */
function unknownFields(input: unknown, parsed: unknown, path: PropertyKey[]): PolicyIssue[] {
  if (Array.isArray(input) && Array.isArray(parsed)) {
    return input.flatMap((item, i) => unknownFields(item, parsed[i], [...path, i]));
  }
  if (!isRecord(input) || !isRecord(parsed)) return [];
  return Object.keys(input).flatMap((key) => {
    if (key in parsed) return unknownFields(input[key], parsed[key], [...path, key]);
    if (path.length === 0 && key === '$schema') return [];
    return [{ path: formatPath([...path, key]), message: 'unknown field' }];
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The jurisdiction a country (ISO 3166-1 alpha-2) belongs to, or undefined when the policy has none. */
export function jurisdictionOfCountry(policy: ResidencyPolicy, country: string): Jurisdiction | undefined {
  return policy.jurisdictions.find((j) => j.countries.includes(country));
}

/** The jurisdiction with this id, or undefined. */
export function jurisdictionById(policy: ResidencyPolicy, id: string): Jurisdiction | undefined {
  return policy.jurisdictions.find((j) => j.id === id);
}
