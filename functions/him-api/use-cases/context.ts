import type { Jurisdiction, ResidencyPolicy } from '../../../shared/config/policy.js';
import type { AuditLog } from '../../../shared/ports/audit-log.js';
import type { Clock } from '../../../shared/ports/clock.js';
import type { DigestSigner } from '../../../shared/ports/digest-signer.js';
import type { LedgerStore } from '../../../shared/ports/ledger.js';
import type { NoteEncryptor } from '../../../shared/ports/note-encryptor.js';
import type { Outbox } from '../../../shared/ports/outbox.js';
import type { Pseudonymizer } from '../../../shared/ports/pseudonymizer.js';

/** Everything the HIM use cases need; built once per cold start by deps.ts. */
export interface HimDeps {
  cell: string;
  jurisdiction: Jurisdiction;
  policy: ResidencyPolicy;
  ledger: LedgerStore;
  signer: DigestSigner;
  audit: AuditLog;
  outbox: Outbox;
  encryptor: NoteEncryptor;
  /** Wrapping key id and region, recorded as safeguards on ledger entries. */
  keyId: string;
  keyRegion: string;
  pseudonymizer: Pseudonymizer;
  clock: Clock;
}
