import { fieldErrors, VisitNoteEvent } from '../../shared/domain/event/schema.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';

describe('VisitNoteEvent v1', () => {
  it('accepts the contract example and keeps unknown fields out of the parsed note', () => {
    const event = {
      ...noteEvent({ patient: fixturePatients.uk, noteId: 'n-1' }),
      addedInV2: { any: 'thing' },
    };
    const parsed = VisitNoteEvent.parse(event);
    expect(parsed.note.id).toBe('n-1');
    expect(parsed).not.toHaveProperty('addedInV2');
  });

  it('defaults diagnoses to an empty list', () => {
    const { diagnoses: _d, ...event } = noteEvent({ patient: fixturePatients.us, noteId: 'n-2' });
    expect(VisitNoteEvent.parse(event).diagnoses).toEqual([]);
  });

  it('names the fields to fix without echoing their values', () => {
    const event = noteEvent({ patient: fixturePatients.uk, noteId: 'n-3' });
    const { family } = event.patient.name;
    const bad = {
      ...event,
      patient: { ...event.patient, birthDate: `${family}-birthday`, residenceCountry: 'gbr' },
    };
    const result = VisitNoteEvent.safeParse(bad);
    expect(result.success).toBe(false);
    const errors = result.success ? [] : fieldErrors(result.error);
    expect(errors.map((e) => e.path).sort()).toEqual(['patient.birthDate', 'patient.residenceCountry']);
    expect(JSON.stringify(errors)).not.toContain(family);
  });

  it('requires an amendment to carry version 2 or more', () => {
    const event = noteEvent({
      patient: fixturePatients.uk,
      noteId: 'n-4',
      kind: 'amended',
      version: 1,
    });
    const result = VisitNoteEvent.safeParse(event);
    expect(result.success ? [] : fieldErrors(result.error)).toEqual([
      expect.objectContaining({ path: 'note.version' }),
    ]);
  });

  it('accepts a retraction of version 1', () => {
    const event = noteEvent({ patient: fixturePatients.uk, noteId: 'n-5', kind: 'retracted' });
    expect(VisitNoteEvent.safeParse(event).success).toBe(true);
  });
});
