import type { Jurisdiction, ResidencyPolicy } from '../../../shared/domain/policy/model.js';
import type { AuditLog } from '../../../shared/ports/audit-log.js';
import type { Clock } from '../../../shared/ports/clock.js';
import type { DigestAnchor } from '../../../shared/ports/digest-anchor.js';
import type { DocumentSigner } from '../../../shared/ports/document-signer.js';
import type { ErasureStore } from '../../../shared/ports/erasures.js';
import type { IdGenerator } from '../../../shared/ports/ids.js';
import type { InfraCheckReport } from '../../../shared/ports/infra-check-report.js';
import type { LedgerStore } from '../../../shared/ports/ledger.js';
import type { LegalHoldRegistry } from '../../../shared/ports/legal-holds.js';
import type { NoteEncryptor } from '../../../shared/ports/note-encryptor.js';
import type { Outbox } from '../../../shared/ports/outbox.js';
import type { PatientIndex } from '../../../shared/ports/patient-index.js';
import type { PatientKeys } from '../../../shared/ports/patient-keys.js';
import type { Pseudonymizer } from '../../../shared/ports/pseudonymizer.js';
import type { ReportRenderer } from '../../../shared/ports/report-renderer.js';
import type { RetentionRunner } from '../../../shared/ports/retention-runner.js';
import type { ReviewStore } from '../../../shared/ports/reviews.js';
import type { Sealer } from '../../../shared/ports/sealer.js';

/** What verification and on-demand sealing need. */
export interface IntegrityDeps {
  /** Where the signed digests are (outside the table). */
  anchor: DigestAnchor;
  /** The key that verifies digests: its id and SPKI PEM (the same an auditor uses offline). */
  publicKey(): Promise<{ keyId: string; publicKeyPem: string }>;
  sealer: Sealer;
  /** How often digests are made; records must be sealed within two intervals. */
  intervalMs: number;
}

/** What the cell knows of one of its keys, for auditors: no key material. */
export interface KeyFacts {
  /** KMS key ARN in AWS; `local:…` locally. */
  id: string;
  region: string;
  kind: string;
  /** How the key rotates, as the deployment configures it. */
  rotation: string;
  /** When a local key file was created (ISO instant); absent in AWS. */
  createdAt?: string;
}

/** Everything the HIM use cases need; built once per cold start by deps.ts. */
export interface HimDeps {
  cell: string;
  jurisdiction: Jurisdiction;
  policy: ResidencyPolicy;
  ledger: LedgerStore;
  integrity: IntegrityDeps;
  audit: AuditLog;
  /** Review state and history of ledger entries. */
  reviews: ReviewStore;
  outbox: Outbox;
  /** Legal holds a privacy officer places and releases. */
  holds: LegalHoldRegistry;
  /** Whether the cell holds notes of a patient (a hold must name a patient it knows). */
  patients: PatientIndex;
  /** Starts a retention run (the retention function in AWS, in process locally). */
  retention: RetentionRunner;
  encryptor: NoteEncryptor;
  /** Per-patient keys: erasure destroys one. */
  patientKeys: PatientKeys;
  /** Where patient keys live and how long its own backups keep a destroyed key (stated on certificates). */
  patientKeyStore: { name: string; backupWindowDays: number };
  erasures: ErasureStore;
  /** Wrapping key id and region, recorded as safeguards on ledger entries. */
  keyId: string;
  keyRegion: string;
  pseudonymizer: Pseudonymizer;
  clock: Clock;
  /** Transfer ids of the movements the API records. */
  ids: IdGenerator;
  /** Signs documents handed out (evidence manifests, erasure certificates) with the digest key. */
  documents: DocumentSigner;
  /** The note key and the digest key, as configured (evidence packs report them). */
  keys: { note: KeyFacts; digest: KeyFacts };
  /** Renders reports (disclosure letters, evidence reports, erasure certificates) as PDF. */
  reports: ReportRenderer;
  /** The cdk-nag report of the cell's stacks (evidence packs hold it). */
  infraChecks: InfraCheckReport;
}
