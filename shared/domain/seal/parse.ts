import type { AnchoredObject } from '../../ports/digest-anchor.js';
import { digestObjectName } from '../../ports/digest-anchor.js';
import { type SignedDigest, SignedDigestSchema } from './digest.js';

export type ParsedObject = { ok: true; digest: SignedDigest } | { ok: false; problem: string };

/**
 * Reads one anchored object as a digest, failing closed: it must be JSON, match the
 * digest schema exactly (no extra fields) and sit under the name of its own seq.
 */
export function parseAnchored(object: AnchoredObject): ParsedObject {
  let json: unknown;
  try {
    json = JSON.parse(object.body);
  } catch {
    return { ok: false, problem: 'is not JSON' };
  }
  const parsed = SignedDigestSchema.safeParse(json);
  if (!parsed.success) {
    const paths = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    return { ok: false, problem: `is not a digest (bad fields: ${paths})` };
  }
  if (digestObjectName(parsed.data.seq) !== object.name) {
    return { ok: false, problem: `holds digest seq ${parsed.data.seq} under another name` };
  }
  return { ok: true, digest: parsed.data };
}
