import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FhirRouter } from '@medplum/fhir-router';
import { allowedHostNames, isAllowedHost } from '../host-guard.js';
import { loadFhirDefinitions } from './definitions.js';
import { FaultInjector } from './faults.js';
import { FhirHandler } from './fhir-handler.js';
import { fhirError, send } from './http-io.js';
import { type EhrProfile, profileByName } from './profiles.js';
import { SandboxRepository } from './repository.js';
import { createListener, FHIR_BASE_PATH, TOKEN_PATH } from './server.js';
import { SmartAuthServer } from './smart-auth.js';
import type { SandboxEhr, SandboxEhrOptions } from './types.js';

/**
 * Starts a sandbox EHR: a FHIR R4 server (Medplum's router over an in-memory,
 * validating repository) behind a SMART Backend Services token endpoint, with a
 * switchable behaviour profile and fault injection. One per cell locally. Like
 * the gateway, it answers only to loopback host names and its own `host`.
 *
 * @example
 * const ehr = await startSandboxEhr({ profile: 'epic-like', name: 'uk' });
 * ehr.registerClient({ clientId: 'visitbridge-uk', jwksUrl: 'http://127.0.0.1:4000/jwks.json' });
 * ehr.setFaults({ seed: 7, rules: [{ kind: 'status', status: 503, probability: 0.2 }] });
 * await ehr.stop();
 *
 * @throws TypeError for an unknown profile; the listen error (e.g. EADDRINUSE) if the port is taken.
 */
export async function startSandboxEhr(options: SandboxEhrOptions): Promise<SandboxEhr> {
  let profile: EhrProfile = profileByName(options.profile);
  const name = options.name ?? 'sandbox-ehr';
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 300;
  loadFhirDefinitions();

  const server = createServer({ keepAliveTimeout: 5_000 });
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const host = options.host ?? '127.0.0.1';
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const baseUrl = origin + FHIR_BASE_PATH;
  const tokenUrl = origin + TOKEN_PATH;

  const repo = new SandboxRepository(() => profile);
  const auth = new SmartAuthServer({ tokenUrl, tokenTtlSeconds });
  const faults = new FaultInjector();
  const fhir = new FhirHandler({
    router: new FhirRouter(),
    repo,
    profile: () => profile,
    name,
    baseUrl,
    tokenUrl,
  });
  const counters = { fhir: 0, token: 0, control: 0, tokensIssued: 0 };
  const stopping = new AbortController();

  const ehr: SandboxEhr = {
    name,
    origin,
    issuerUrl: origin,
    baseUrl,
    tokenUrl,
    get profile() {
      return profile.name;
    },
    registerClient: (registration) => auth.registerClient(registration),
    setProfile: (next) => {
      profile = profileByName(next);
    },
    setFaults: (config) => faults.set(config),
    resetFaults: () => faults.reset(),
    faults: () => faults.snapshot(),
    stats: async () => ({
      name,
      profile: profile.name,
      resources: await repo.countByType(),
      requests: { ...pick(counters), total: counters.fhir + counters.token + counters.control },
      tokensIssued: counters.tokensIssued,
      faultsInjected: faults.injected,
    }),
    clearData: () => repo.clear(),
    stop: () => {
      stopping.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
  const listener = createListener({ ehr, auth, fhir, faults, counters, signal: stopping.signal });
  // As the gateway: a page that rebinds its DNS name to this port must not reach the control API.
  const hostNames = allowedHostNames(host);
  server.on('request', (req, res) => {
    if (isAllowedHost(req, hostNames)) return listener(req, res);
    send(res, fhirError(421, 'forbidden', `this server answers to ${hostNames.join(', ')} only`));
  });
  return ehr;
}

const pick = ({ fhir, token, control }: { fhir: number; token: number; control: number }) => ({
  fhir,
  token,
  control,
});

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
