/** Key builders for the cell table (layout in table-definition.ts). Versions are zero-padded so they sort. */
export const pad = (n: number, width = 10): string => String(n).padStart(width, '0');

/** Partition of one note: its versions, delivery outbox items and callback rows, read together in one query. */
export const notePartition = (senderId: string, noteId: string): string => `NOTE#${senderId}#${noteId}`;

const versionPart = (version: number, retraction: boolean) => `V#${pad(version)}${retraction ? '#R' : ''}`;

export const noteKey = (senderId: string, noteId: string, version: number, retraction: boolean) => ({
  pk: notePartition(senderId, noteId),
  sk: versionPart(version, retraction),
});

/** Sort-key prefix of outbox items inside a note's partition. */
export const OUTBOX_SK_PREFIX = 'OUTBOX#';

export const outboxKey = (senderId: string, noteId: string, version: number, retraction: boolean) => ({
  pk: notePartition(senderId, noteId),
  sk: `${OUTBOX_SK_PREFIX}${versionPart(version, retraction)}`,
});

/** Sort-key prefix of sender callback rows inside a note's partition. */
export const CALLBACK_SK_PREFIX = 'CALLBACK#';

export const callbackKey = (
  senderId: string,
  noteId: string,
  version: number,
  retraction: boolean,
  seq: number,
) => ({
  pk: notePartition(senderId, noteId),
  sk: `${CALLBACK_SK_PREFIX}${versionPart(version, retraction)}#${pad(seq, 6)}`,
});

export const messageKey = (senderId: string, webhookId: string) => ({
  pk: `MSG#${senderId}#${webhookId}`,
  sk: 'MSG',
});

/** The partition of a cell's legal holds: one `HOLD#<holdId>` item per hold and the set's `VERSION`. */
export const HOLDS_PARTITION = 'HOLDS';
export const holdKey = (holdId: string) => ({ pk: HOLDS_PARTITION, sk: `HOLD#${holdId}` });
export const HOLDS_VERSION_KEY = { pk: HOLDS_PARTITION, sk: 'VERSION' } as const;

/** gsi2 finds a patient's note versions (`PATIENT#<pt_ref>`: the keyed hash, never an identifier), for holds and erasure. */
export const PATIENT_INDEX = 'gsi2';
export const patientIndexKey = (patientRef: string): string => `PATIENT#${patientRef}`;
/** gsi2's sort key: a patient's versions in the order they were received. */
export const patientIndexSortKey = (v: {
  receivedAt: string;
  senderId: string;
  noteId: string;
  version: number;
}): string => `${v.receivedAt}#${v.senderId}#${v.noteId}#${pad(v.version)}`;
/** Set once every note version stored before the patient index was put into it. */
export const PATIENT_INDEX_BACKFILL_KEY = { pk: 'MAINTENANCE', sk: 'PATIENT-INDEX-BACKFILL' } as const;
/** Where a backfill that has not reached the table's end yet stopped: the next call goes on from there. */
export const PATIENT_INDEX_PROGRESS_KEY = {
  pk: 'MAINTENANCE',
  sk: 'PATIENT-INDEX-BACKFILL-PROGRESS',
} as const;

/** An erasure request. */
export const erasureKey = (erasureId: string) => ({ pk: `ERASURE#${erasureId}`, sk: 'ERASURE' });
