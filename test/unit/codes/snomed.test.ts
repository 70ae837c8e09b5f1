import { sctidProblem } from '../../../shared/domain/codes/snomed.js';
import { singleDigitCorruptions } from './corruptions.js';

describe('SNOMED CT concept ids', () => {
  it.each([
    ['22298006', 'Myocardial infarction'],
    ['363746003', 'Acute pharyngitis'],
    ['195967001', 'Asthma'],
    ['900000000000207008', 'SNOMED CT core module'],
    ['1240751000000100', 'UK extension concept (namespace 1000000)'],
    ['999000011000000103', 'UK extension concept, 18 digits'],
  ])('accepts %s (%s)', (id) => {
    expect(sctidProblem(id)).toBeUndefined();
  });

  it.each(['22298006', '363746003', '1240751000000100'])(
    'refuses every single-digit corruption of %s',
    (id) => {
      expect(singleDigitCorruptions(id).filter((c) => sctidProblem(c) === undefined)).toEqual([]);
    },
  );

  it('names the check digit when only the last digit is wrong', () => {
    expect(sctidProblem('22298007')).toMatch(/check digit \(Verhoeff\)/);
  });

  it.each([
    ['a term instead of an id', 'myocardial infarction', /digits only/],
    ['a post-coordinated expression', '22298006:363698007=80891009', /digits only/],
    ['5 digits', '10000', /6 to 18 digits/],
    ['19 digits', '1000000000000000000', /6 to 18 digits/],
    ['a leading zero', '022298006', /leading zeros/],
    ['a description id (partition 01)', '751689013', /description or relationship id/],
    ['a relationship id (partition 02)', '100000028', /description or relationship id/],
    ['an unknown partition (30)', '100000307', /partition identifier/],
    ['a namespace partition on a short id', '1000108', /at least 11 digits/],
  ])('refuses %s', (_name, code, message) => {
    expect(sctidProblem(code)).toMatch(message);
  });

  it('never repeats the code in its message', () => {
    expect(sctidProblem('22298007')).not.toContain('22298007');
  });
});
