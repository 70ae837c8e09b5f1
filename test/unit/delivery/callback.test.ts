import {
  afterCallbackTry,
  callbackBody,
  callbackWebhookId,
  newCallback,
} from '../../../shared/domain/delivery/callback.js';

const note = { senderId: 'sender', noteId: 'note-1', version: 2, eventKind: 'amended' as const };
const retry = { maxTries: 3, baseMs: 1_000, maxMs: 10_000 };
const NOW = new Date('2026-11-30T12:00:00Z');

describe('callback rows', () => {
  it('derive the webhook-id from the cell, the note event and the attempt, and nothing else', () => {
    const id = callbackWebhookId('us', { ...note, seq: 1 });

    expect(callbackWebhookId('us', { ...note, seq: 1 })).toBe(id);
    expect(callbackWebhookId('us', { ...note, seq: 2 })).not.toBe(id);
    expect(callbackWebhookId('uk', { ...note, seq: 1 })).not.toBe(id);
    expect(callbackWebhookId('us', { ...note, version: 3, seq: 1 })).not.toBe(id);
  });

  it('carry a PHI-free body that is the same bytes on every try', () => {
    const row = newCallback(note, {
      cell: 'us',
      seq: 1,
      type: 'visit.note.delivered',
      at: NOW.toISOString(),
      ehrResource: 'doc-7',
    });

    expect(JSON.parse(callbackBody(row))).toEqual({
      type: 'visit.note.delivered',
      occurredAt: '2026-11-30T12:00:00.000Z',
      data: {
        noteId: 'note-1',
        version: 2,
        event: 'amended',
        cell: 'us',
        ehrResource: 'DocumentReference/doc-7',
      },
    });
    expect(callbackBody({ ...row, attempts: 5 })).toBe(callbackBody(row));
  });
});

describe('afterCallbackTry', () => {
  it('is delivered on an accepted try', () => {
    expect(afterCallbackTry({ attempts: 0 }, { outcome: 'accepted' }, NOW, retry)).toEqual({
      state: 'delivered',
    });
  });

  it('retries a failed try after a jittered, doubling backoff', () => {
    const first = afterCallbackTry(
      { attempts: 0 },
      { outcome: 'failed', error: 'http-500' },
      NOW,
      retry,
      () => 0.5,
    );
    const second = afterCallbackTry(
      { attempts: 1 },
      { outcome: 'failed', error: 'http-500' },
      NOW,
      retry,
      () => 0.5,
    );

    expect(first).toEqual({
      state: 'retrying',
      nextAttemptAt: '2026-11-30T12:00:00.500Z',
      lastError: 'http-500',
    });
    expect(second).toMatchObject({ nextAttemptAt: '2026-11-30T12:00:01.000Z' });
  });

  it('fails for good once the tries are spent', () => {
    expect(afterCallbackTry({ attempts: 2 }, { outcome: 'failed', error: 'network' }, NOW, retry)).toEqual({
      state: 'failed',
      lastError: 'network',
    });
  });

  it('fails at once when the destination is refused', () => {
    const refused = { outcome: 'refused' as const, error: 'url-refused:private-destination' };

    expect(afterCallbackTry({ attempts: 0 }, refused, NOW, retry)).toEqual({
      state: 'failed',
      lastError: 'url-refused:private-destination',
    });
  });
});
