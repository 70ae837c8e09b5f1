/** Key builders for the cell table (layout in table-definition.ts). Versions are zero-padded so they sort. */
export const pad = (n: number, width = 10): string => String(n).padStart(width, '0');

export const noteKey = (senderId: string, noteId: string, version: number, retraction: boolean) => ({
  pk: `NOTE#${senderId}#${noteId}`,
  sk: `V#${pad(version)}${retraction ? '#R' : ''}`,
});

export const outboxKey = (senderId: string, noteId: string, version: number, retraction: boolean) => ({
  pk: `OUTBOX#${senderId}#${noteId}`,
  sk: `V#${pad(version)}${retraction ? '#R' : ''}`,
});

export const messageKey = (senderId: string, webhookId: string) => ({
  pk: `MSG#${senderId}#${webhookId}`,
  sk: 'MSG',
});
