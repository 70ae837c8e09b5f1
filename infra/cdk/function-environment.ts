import type { FunctionKind } from '../cell-environment.js';

/** What each function runs and how it is sized; entries are relative to the repository root and export `handler`. */
export const FUNCTION_SPECS: Record<
  FunctionKind,
  { entry: string; memory: number; timeout: number; concurrency: number; what: string }
> = {
  ingest: {
    entry: 'functions/ingest/handler.ts',
    memory: 512,
    // Room for two forwarding attempts (FORWARD_TIMEOUT_MS each) and the note's own work, under API Gateway's 30 s.
    timeout: 15,
    concurrency: 20,
    what: 'webhook ingress',
  },
  deliver: {
    entry: 'functions/deliver/handler.ts',
    memory: 512,
    timeout: 60,
    concurrency: 5,
    what: 'delivery worker',
  },
  'him-api': {
    entry: 'functions/him-api/handler.ts',
    memory: 512,
    timeout: 29,
    concurrency: 5,
    what: 'HIM API',
  },
  digest: {
    entry: 'functions/digest/handler.ts',
    memory: 512,
    // Reads every new record of both chains since the last digest, one KMS Sign and one S3 put per chain.
    timeout: 120,
    // The schedule and on-demand seals; the domain retries when two take the same digest position.
    concurrency: 2,
    what: 'digest sealer',
  },
  documents: {
    entry: 'functions/documents/handler.ts',
    // pdf-lib lays out reports of up to tens of thousands of rows in memory.
    memory: 1024,
    timeout: 25,
    concurrency: 2,
    what: 'PDF report renderer',
  },
  retention: {
    entry: 'functions/retention/handler.ts',
    memory: 512,
    // Reads the settled notes of the period and deletes what is due, one transaction per note event.
    timeout: 900,
    // One run at a time: the schedule's and a privacy officer's; a second waits or is throttled.
    concurrency: 1,
    what: 'retention sweeper',
  },
};

/** The JWKS URL of an OIDC issuer that publishes its keys at the conventional path (Cognito does). */
export const defaultJwksUrl = (issuer: string): string =>
  `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
