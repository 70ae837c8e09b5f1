import { readFileSync } from 'node:fs';
import type { ResidencyPolicy } from '../domain/policy/model.js';
import { PolicyError, parsePolicy } from '../domain/policy/parse.js';

/**
 * Reads and validates a residency policy file.
 *
 * @throws PolicyError when the file is missing, is not JSON or does not match the schema.
 */
export function loadPolicy(path: string): ResidencyPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PolicyError(path, [{ path: '', message: `cannot read the file (${errorCode(error)})` }], {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(path, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }], {
      cause: error,
    });
  }
  return parsePolicy(json, path);
}

const errorCode = (error: unknown): string =>
  (error as NodeJS.ErrnoException | undefined)?.code ?? (error as Error | undefined)?.message ?? 'unknown';
