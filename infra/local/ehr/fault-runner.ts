import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultRule } from './faults.js';
import { fhirError, type HttpResult, send } from './http-io.js';

/** Runs the request's work, or not, around the picked fault, and writes (or withholds) the answer. */
export async function runWithFault(
  fault: FaultRule | undefined,
  exchange: { req: IncomingMessage; res: ServerResponse; signal: AbortSignal },
  work: () => Promise<HttpResult>,
): Promise<void> {
  const { req, res, signal } = exchange;
  if (!fault) return send(res, await work());
  switch (fault.kind) {
    case 'rate-limit':
      return send(res, faultResult(fault.target, 429, fault.retryAfterSeconds));
    case 'status':
      if (fault.when === 'after-commit') await work();
      return send(res, faultResult(fault.target, fault.status, fault.retryAfterSeconds));
    case 'reset':
      if (fault.when === 'after-commit') await work();
      req.socket.destroy();
      return;
    case 'delay': {
      const result = fault.when === 'after-commit' ? await work() : undefined;
      const stillThere = await wait(fault.delayMs, res, signal);
      if (!stillThere) return;
      return send(res, result ?? (await work()));
    }
  }
}

/** Sleeps; false when the server stopped or the client went away meanwhile. */
async function wait(ms: number, res: ServerResponse, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    res.destroy();
    return false;
  }
  return !res.destroyed && !res.socket?.destroyed;
}

function faultResult(target: 'fhir' | 'token', status: number, retryAfterSeconds?: number): HttpResult {
  const headers: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
  if (target === 'token') {
    const error = status === 429 || status === 503 ? 'temporarily_unavailable' : 'server_error';
    return { status, headers, body: { error, error_description: `injected fault ${status}` } };
  }
  if (status === 429) return fhirError(429, 'throttled', 'Too many requests (injected fault)', headers);
  return fhirError(status, status === 500 ? 'exception' : 'transient', `Injected fault ${status}`, headers);
}
