import * as z from 'zod';

/** ISO 3166-1 alpha-2, upper case. Whether the country has a jurisdiction is the policy's call. */
export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in upper case, e.g. "GB"')
  .meta({ description: 'ISO 3166-1 alpha-2 country code', example: 'GB' });

const Identifier = z.object({
  system: z.url({ error: 'must be an absolute URI naming the identifier system' }),
  value: z.string().min(1).max(256),
});

const HumanName = z.object({
  given: z.array(z.string().min(1).max(128)).min(1).max(8),
  family: z.string().min(1).max(128),
});

const Instant = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time with a time zone' });

/** Identifier of an entity chosen by the platform: safe in URLs and keys. */
const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 characters of letters, digits, ".", "_" or "-"');

export const EVENT_TYPES = ['visit.note.finalized', 'visit.note.amended', 'visit.note.retracted'] as const;

/** Upper bound of the note text, well below the 256 KB body limit. */
export const MAX_NOTE_TEXT = 200_000;

/**
 * The v1 visit-note webhook event. Unknown fields are allowed (later versions
 * add fields; none is renamed) and dropped from the stored note.
 */
export const VisitNoteEvent = z
  .object({
    type: z.enum(EVENT_TYPES),
    occurredAt: Instant,
    organization: z.object({ id: Id }),
    note: z.object({
      id: Id,
      version: z.int().min(1).max(1_000_000),
      status: z.enum(['final', 'preliminary']),
      loincType: z.string().regex(/^\d{1,7}-\d$/, 'must be a LOINC code such as "11506-3"'),
      title: z.string().min(1).max(256),
      contentType: z.enum(['text/plain', 'text/markdown']),
      text: z.string().min(1).max(MAX_NOTE_TEXT),
    }),
    visit: z
      .object({
        id: Id,
        start: Instant,
        end: Instant,
        modality: z.enum(['video', 'phone', 'chat', 'async']),
      })
      .refine((v) => Date.parse(v.end) >= Date.parse(v.start), {
        message: 'must not end before it starts',
        path: ['end'],
      }),
    patient: z.object({
      identifiers: z.array(Identifier).min(1).max(10),
      name: HumanName,
      birthDate: z.iso.date({ error: 'must be a date YYYY-MM-DD' }),
      residenceCountry: CountryCode,
    }),
    clinician: z.object({
      identifiers: z.array(Identifier).min(1).max(10),
      name: HumanName,
      locationCountry: CountryCode,
    }),
    diagnoses: z
      .array(
        z.object({
          system: z.url(),
          code: z.string().min(1).max(32),
          display: z.string().max(256).optional(),
        }),
      )
      .max(50)
      .default([]),
  })
  .superRefine((event, ctx) => {
    if (event.type === 'visit.note.amended' && event.note.version < 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['note', 'version'],
        message: 'an amendment must carry a version of 2 or more (the version it replaces plus one)',
      });
    }
  })
  .meta({ id: 'VisitNoteEvent', title: 'visitbridge visit-note webhook event, v1' });

export type VisitNoteEvent = z.infer<typeof VisitNoteEvent>;

/** The receipt returned for an accepted (202) or repeated (200) event. */
export const Receipt = z
  .object({
    noteId: z.string(),
    version: z.int(),
    cell: z.string(),
    receivedAt: z.string(),
    deliveryStatusUrl: z.string(),
  })
  .meta({ id: 'Receipt' });

export type Receipt = z.infer<typeof Receipt>;

export interface FieldError {
  path: string;
  message: string;
}

/** Flattens zod issues into `{ path, message }` pairs that name the field to fix and never echo its value. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}
