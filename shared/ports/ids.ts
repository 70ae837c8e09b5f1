import { randomUUID } from 'node:crypto';

/** New unique ids (transfer ids), injected as the clock is so tests can name what they expect. */
export interface IdGenerator {
  next(): string;
}

export const randomIds: IdGenerator = { next: () => randomUUID() };
