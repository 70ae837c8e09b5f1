/**
 * Starts a retention run on a privacy officer's request. In AWS the HIM API invokes
 * the retention function asynchronously (the only holder of delete rights on the
 * table); locally the same sweep runs in process. The run's report is in the audit
 * log (`retention.run`) once it ends.
 */
export interface RetentionRunner {
  /**
   * @param requestedBy `him:<user>`, recorded as the run's trigger.
   * @throws AppError('storage-unavailable') when the run cannot be started (or, in process, fails).
   */
  start(requestedBy: `him:${string}`): Promise<void>;
}
