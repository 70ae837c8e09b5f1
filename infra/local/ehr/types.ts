import type { FaultConfig, FaultInjector } from './faults.js';
import type { EhrProfileName } from './profiles.js';
import type { ClientRegistration } from './smart-auth.js';

/** Options for {@link SandboxEhr}; everything but `profile` has a default. */
export interface SandboxEhrOptions {
  /** TCP port; 0 or absent picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  profile: EhrProfileName;
  /** Label shown in `/metadata` and stats, e.g. the cell id; default `sandbox-ehr`. */
  name?: string;
  /** Lifetime of issued access tokens; default 300. */
  tokenTtlSeconds?: number;
}

/** Counters and stored-resource totals for `GET /_sandbox/stats`. */
export interface SandboxStats {
  name: string;
  profile: EhrProfileName;
  /** Current resources per type (deleted ones excluded). */
  resources: Record<string, number>;
  requests: { fhir: number; token: number; control: number; total: number };
  tokensIssued: number;
  faultsInjected: number;
}

/** A running sandbox EHR: its URLs and its run-time controls. */
export interface SandboxEhr {
  readonly name: string;
  /** `http://host:port`; also the SMART issuer the discovery document is served under. */
  readonly origin: string;
  /** Same as `origin`. */
  readonly issuerUrl: string;
  /** FHIR base, `${origin}/fhir/R4`. */
  readonly baseUrl: string;
  /** SMART token endpoint, `${origin}/auth/token`; also the required `aud` of client assertions. */
  readonly tokenUrl: string;
  /** Active profile. */
  readonly profile: EhrProfileName;
  /** @throws TypeError unless exactly one of `jwks` / `jwksUrl` is given. */
  registerClient(registration: ClientRegistration): void;
  /** @throws TypeError for an unknown profile name. */
  setProfile(profile: EhrProfileName): void;
  /** Replaces all fault rules. @throws TypeError when the configuration is invalid. */
  setFaults(config: FaultConfig): void;
  resetFaults(): void;
  /** Rules with fire counts, seed and total injected. */
  faults(): ReturnType<FaultInjector['snapshot']>;
  stats(): Promise<SandboxStats>;
  /** Deletes every stored resource (clients, tokens and faults stay). */
  clearData(): void;
  /** Closes the server, dropping open connections and pending delayed responses. */
  stop(): Promise<void>;
}
