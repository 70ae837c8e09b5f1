import type { OutboxKey } from '../../shared/domain/delivery/outbox-item.js';
import type { EhrClient } from '../../shared/ports/ehr-client.js';

/** The named points of a step where a crash test may kill it (nothing after the point runs). */
export type CrashPoint =
  | 'after-read'
  | 'after-egress'
  | 'after-ehr-call'
  | 'before-commit'
  | 'after-commit'
  | 'callback-after-read'
  | 'callback-after-send'
  | 'callback-after-commit';

/**
 * Called at each crash point with the note event and, for EHR calls, the call's
 * number within the attempt. Production passes none; a test throws to simulate a
 * worker dying there (the stream then retries the record).
 */
export type CrashHook = (point: CrashPoint, key: OutboxKey, detail?: string) => void;

/** The EHR client with the hook called after every response (`after-ehr-call`, numbered from 1). */
export function hookedEhrClient(client: EhrClient, key: OutboxKey, hook: CrashHook): EhrClient {
  let calls = 0;
  const after =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await call(...args);
      calls += 1;
      hook('after-ehr-call', key, String(calls));
      return result;
    };
  return {
    findPatientByIdentifier: after((tokens) => client.findPatientByIdentifier(tokens)),
    searchByIdentifier: after((type, token) => client.searchByIdentifier(type, token)),
    create: after((resource, options) => client.create(resource, options)),
    update: after((resource) => client.update(resource)),
    transaction: after((bundle) => client.transaction(bundle)),
  } as EhrClient;
}
