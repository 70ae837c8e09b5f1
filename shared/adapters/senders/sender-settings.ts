import * as z from 'zod';

/** The stored form of one sender's settings (the same JSON in the local file and in a Secrets Manager secret). */
export const SenderSettings = z.object({
  secrets: z
    .array(z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be a whsec_ base64 secret'))
    .min(1)
    .max(3),
  organizations: z.array(z.string().min(1)).optional(),
  callbackUrl: z.url().optional(),
});
export type SenderSettings = z.infer<typeof SenderSettings>;

export const SendersFile = z.object({ senders: z.record(z.string(), SenderSettings) });
export type SendersFile = z.infer<typeof SendersFile>;
