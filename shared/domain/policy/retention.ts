import * as z from 'zod';

/**
 * The record classes a jurisdiction's retention schedule covers (docs/retention.md):
 * the note ciphertext once delivered, the ciphertext of a parked note, the delivery
 * history (outbox items and sender callback rows), the transfers ledger, the HIM
 * audit log and the signed digests that seal both.
 */
export const RECORD_CLASSES = [
  'noteAfterDelivery',
  'parkedNote',
  'outboxHistory',
  'ledger',
  'audit',
  'digests',
] as const;
export type RecordClass = (typeof RECORD_CLASSES)[number];

const Days = z.int().min(1).max(36_500);

/** A minimum the law (or the deployer's own policy) sets for some classes, with where it comes from. */
export const RetentionFloor = z.object({
  classes: z
    .array(z.enum(RECORD_CLASSES))
    .min(1)
    .refine((classes) => new Set(classes).size === classes.length, 'classes must not repeat'),
  minimumDays: Days,
  /** The rule the floor comes from, e.g. `HIPAA 45 CFR 164.316(b)(2)(i)`. */
  basis: z.string().min(1).max(200),
});
export type RetentionFloor = z.infer<typeof RetentionFloor>;

/** Days each record class is kept, counted from when the record settled (docs/retention.md). */
export const RetentionDays = z.object(
  Object.fromEntries(RECORD_CLASSES.map((c) => [c, Days])) as Record<RecordClass, typeof Days>,
);
export type RetentionDays = z.infer<typeof RetentionDays>;

/** A jurisdiction's retention schedule: one period per record class, and the floors it must respect. */
export const RetentionSchedule = z.object({
  days: RetentionDays,
  floors: z.array(RetentionFloor).default([]),
});
export type RetentionSchedule = z.infer<typeof RetentionSchedule>;

/** A class whose schedule is shorter than a floor that covers it. */
export interface FloorBreach {
  recordClass: RecordClass;
  days: number;
  floor: RetentionFloor;
  /** Index of the floor in `floors`. */
  floorIndex: number;
}

/** Every (class, floor) pair where the schedule keeps the class for fewer days than the floor requires. Pure. */
export function floorBreaches(schedule: RetentionSchedule): FloorBreach[] {
  return schedule.floors.flatMap((floor, floorIndex) =>
    floor.classes
      .filter((c) => schedule.days[c] < floor.minimumDays)
      .map((recordClass) => ({ recordClass, days: schedule.days[recordClass], floor, floorIndex })),
  );
}
