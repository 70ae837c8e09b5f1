/** A telemedicine platform allowed to post webhooks to a cell. */
export interface Sender {
  id: string;
  /** Standard Webhooks secrets (`whsec_…`); two during a rotation, any one may sign. */
  secrets: string[];
  /** Organizations the sender may post notes for; any when absent. */
  organizations?: string[];
  /** Where `visit.note.delivered` / `visit.note.parked` callbacks go, if anywhere. */
  callbackUrl?: string;
  /** Why a configured callback URL was refused as the sender loaded (then `callbackUrl` is absent). */
  callbackRefused?: string;
}

/** Looks up senders by id. Adapters: a JSON file locally, Secrets Manager in AWS. */
export interface SenderRegistry {
  /** @returns the sender, or undefined when no such sender is configured. */
  get(senderId: string): Promise<Sender | undefined>;
}
