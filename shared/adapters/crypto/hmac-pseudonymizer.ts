import { createHmac } from 'node:crypto';
import type { Pseudonymizer } from '../../ports/pseudonymizer.js';

/**
 * HMAC-SHA256 pseudonyms under a cell-local 32-byte key. References are
 * prefixed with their purpose so a hash made for one use cannot stand in for another.
 *
 * @example
 * const p = new HmacPseudonymizer(key);
 * p.patientRef([{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' }]); // 'pt_…'
 */
export class HmacPseudonymizer implements Pseudonymizer {
  constructor(private readonly key: Uint8Array) {
    if (key.length < 32) throw new Error('pseudonymisation key must be at least 32 bytes');
  }

  patientRef(identifiers: ReadonlyArray<{ system: string; value: string }>): string {
    // The first identifier in a stable order: the same patient gets the same reference
    // whatever order the platform lists its identifiers in.
    const canonical = identifiers.map((i) => `${i.system}|${i.value.trim()}`).sort()[0] ?? '';
    return `pt_${this.digest('patient', canonical).slice(0, 32)}`;
  }

  hash(purpose: string, value: string): string {
    return this.digest(purpose, value);
  }

  private digest(purpose: string, value: string): string {
    return createHmac('sha256', this.key).update(purpose).update('\0').update(value).digest('base64url');
  }
}
