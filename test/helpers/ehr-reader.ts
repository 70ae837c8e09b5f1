import { randomUUID } from 'node:crypto';
import type { DocumentReference } from '@medplum/fhirtypes';
import type { SandboxEhr } from '../../infra/local/ehr/types.js';
import { FhirEhrClient } from '../../shared/adapters/fhir/fhir-client.js';
import { generateSigningKey, publicJwks } from '../../shared/adapters/smart/signing-key.js';
import { SmartBackendClient } from '../../shared/adapters/smart/smart-client.js';
import { identifierToken, noteIdentifier } from '../../shared/domain/fhir/identifiers.js';

/** A read-only SMART client of a sandbox EHR, as a test inspecting the EHR over FHIR holds it. */
export async function ehrReader(ehr: Pick<SandboxEhr, 'baseUrl' | 'tokenUrl' | 'registerClient'>) {
  const key = await generateSigningKey('ES384');
  const clientId = `reader-${randomUUID()}`;
  ehr.registerClient({ clientId, jwks: publicJwks([key]) });
  const tokens = new SmartBackendClient({
    tokenUrl: ehr.tokenUrl,
    clientId,
    scope: 'system/*.read',
    key,
    timeoutMs: 10_000,
  });
  const client = new FhirEhrClient({ baseUrl: ehr.baseUrl, timeoutMs: 10_000, tokens });
  return {
    /** Every DocumentReference of a note (all versions), by the note identifier. */
    async documentsOf(senderId: string, noteId: string): Promise<DocumentReference[]> {
      const found = await client.searchByIdentifier<DocumentReference>(
        'DocumentReference',
        identifierToken(noteIdentifier(senderId, noteId)),
      );
      if (found.kind !== 'ok') throw new Error(`EHR search failed: ${found.kind}`);
      return found.value;
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
