import { icd10CmProblem, icd10Problem } from '../../../shared/domain/codes/icd10.js';

describe('WHO ICD-10 codes', () => {
  it.each(['J06.9', 'J06', 'U07.1', 'A00.0', 'S72.00', 'Z99.9'])('accepts %s', (code) => {
    expect(icd10Problem(code)).toBeUndefined();
  });

  it.each([
    ['lower case', 'j06.9', /upper case/],
    ['no dot', 'J069', /dot after the third character/],
    ['a letter after the dot (ICD-10-CM only)', 'S72.001A', /ICD-10 code/],
    ['a letter in the category (ICD-10-CM only)', 'C4A.0', /ICD-10 code/],
    ['three characters after the dot', 'J06.901', /ICD-10 code/],
    ['a dot with nothing after it', 'J06.', /ICD-10 code/],
    ['a dagger marker', 'A17.0†', /ICD-10 code/],
    ['a block range', 'J00-J06', /ICD-10 code/],
    ['a digit first', '106.9', /ICD-10 code/],
  ])('refuses %s', (_name, code, message) => {
    expect(icd10Problem(code)).toMatch(message);
  });
});

describe('ICD-10-CM codes', () => {
  it.each(['J02.9', 'E11.9', 'S72.001A', 'T36.0X1A', 'C4A.0', 'M1A.0110', 'Z3A.01', 'I10'])(
    'accepts %s',
    (code) => {
      expect(icd10CmProblem(code)).toBeUndefined();
    },
  );

  it.each([
    ['lower case', 's72.001a', /upper case/],
    ['no dot', 'S72001A', /dot after the third character/],
    ['five characters after the dot', 'S72.001AA', /ICD-10-CM code/],
    ['a letter second', 'SA2.0', /ICD-10-CM code/],
    ['a dot in the wrong place', 'S7.2001', /ICD-10-CM code/],
    ['a digit first', '172.0', /ICD-10-CM code/],
  ])('refuses %s', (_name, code, message) => {
    expect(icd10CmProblem(code)).toMatch(message);
  });

  it('never repeats the code in its message', () => {
    expect(icd10CmProblem('S72001A')).not.toContain('S72001A');
  });
});
