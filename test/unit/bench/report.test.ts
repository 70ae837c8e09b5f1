import { cpuLimit } from '../../../bench/report.js';

describe('bench report: CPU limit', () => {
  it('is the rate at which the CPU per note keeps every core busy', () => {
    expect(cpuLimit(2, 8)).toBe(250);
    expect(cpuLimit(4, 8)).toBe(500);
  });

  it('is 0, not infinite, where no CPU per note was measured', () => {
    expect(cpuLimit(2, 0)).toBe(0);
  });
});
