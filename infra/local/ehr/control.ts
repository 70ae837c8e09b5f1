import { fhirError, type HttpResult } from './http-io.js';
import { profileByName } from './profiles.js';
import type { ClientRegistration } from './smart-auth.js';
import type { SandboxEhr } from './types.js';

/**
 * The local-only control API under `/_sandbox/`: faults, profile, client
 * registration, stats and reset. No token; the server refuses non-loopback peers.
 */
export async function handleControl(
  ehr: SandboxEhr,
  request: { method: string; path: string; query: URLSearchParams; body: unknown },
): Promise<HttpResult> {
  const { method, path, query, body } = request;
  try {
    switch (`${method} ${path}`) {
      case 'GET faults':
        return { status: 200, body: ehr.faults() };
      case 'POST faults':
        ehr.setFaults(body as Parameters<SandboxEhr['setFaults']>[0]);
        return { status: 200, body: ehr.faults() };
      case 'POST reset':
        ehr.resetFaults();
        if (query.get('data') === 'true') ehr.clearData();
        return { status: 200, body: ehr.faults() };
      case 'GET stats':
        return { status: 200, body: await ehr.stats() };
      case 'GET profile':
        return { status: 200, body: { profile: ehr.profile } };
      case 'POST profile':
        ehr.setProfile(profileByName(String((body as { profile?: unknown } | undefined)?.profile)).name);
        return { status: 200, body: { profile: ehr.profile } };
      case 'POST clients':
        ehr.registerClient(body as ClientRegistration);
        return { status: 201, body: { clientId: (body as ClientRegistration).clientId } };
      default:
        return {
          status: 404,
          body: { error: 'not_found', error_description: `no control route ${method} ${path}` },
        };
    }
  } catch (error) {
    if (error instanceof TypeError)
      return { status: 400, body: { error: 'invalid_request', error_description: error.message } };
    return fhirError(500, 'exception', 'control request failed');
  }
}
