import { loincProblem } from '../../../shared/domain/codes/loinc.js';
import { adjacentSwaps, singleDigitCorruptions } from './corruptions.js';

const PUBLISHED = [
  '11506-3',
  '34117-2',
  '11488-4',
  '18842-5',
  '34108-1',
  '2345-7',
  '718-7',
  '1-8',
  '60591-5',
];

describe('LOINC codes', () => {
  it.each(PUBLISHED)('accepts the published code %s', (code) => {
    expect(loincProblem(code)).toBeUndefined();
  });

  it.each(PUBLISHED)('refuses every single-digit corruption of %s', (code) => {
    expect(singleDigitCorruptions(code).filter((c) => loincProblem(c) === undefined)).toEqual([]);
  });

  it('refuses adjacent swaps in the number that the check digit catches', () => {
    expect(adjacentSwaps('34117-2').filter((c) => loincProblem(c) === undefined)).toEqual([]);
  });

  it('names the check digit when the digits are well formed', () => {
    expect(loincProblem('11506-4')).toMatch(/check digit \(mod 10\)/);
  });

  it.each([
    ['a name', 'progress-note'],
    ['no check digit', '11506'],
    ['a leading zero', '011506-3'],
    ['8 digits', '12345678-0'],
    ['an answer code', 'LA33-6'],
    ['spaces', ' 11506-3'],
  ])('refuses %s', (_name, code) => {
    expect(loincProblem(code)).toMatch(/must be a LOINC code/);
  });
});
