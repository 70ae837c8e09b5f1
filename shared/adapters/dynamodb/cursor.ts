import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { AppError } from '../../domain/errors.js';

/** Opaque pagination cursor: the DynamoDB LastEvaluatedKey as base64url JSON. */
export function encodeCursor(key: Record<string, AttributeValue> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/** @throws AppError `invalid-event`-free 400 (`invalid-cursor`) when the cursor was not made by encodeCursor. */
export function decodeCursor(cursor: string | undefined): Record<string, AttributeValue> | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, AttributeValue>;
  } catch {
    // fall through
  }
  throw new AppError('invalid-cursor', 'cursor is not one this API returned; start again without it');
}
