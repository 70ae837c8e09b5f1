import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileNagReport } from '../../../shared/adapters/fs/file-nag-report.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { NagReport } from '../../../shared/domain/evidence/nag-report.js';

const REPORT: NagReport = {
  format: 'visitbridge-cdk-nag-report/1',
  source: 'synth that built this deployment',
  generatedAt: '2026-11-30T12:00:00.000Z',
  cell: 'uk',
  region: 'eu-west-2',
  policy: { version: '2026-11-30.1', hash: 'a'.repeat(64) },
  packs: [{ name: 'AwsSolutions', tool: 'cdk-nag', version: '3.0.2' }],
  stacks: [
    {
      stack: 'visitbridge-uk-stateless',
      resourcesChecked: 1,
      violations: [],
      acknowledged: [
        {
          rule: 'AwsSolutions-L1',
          resource: 'visitbridge-uk-stateless/Fn-ingest/Function/Resource',
          logicalId: 'FningestFunction1234ABCD',
          reason: 'Pinned to nodejs22.x on purpose.',
          acknowledgedOn: 'visitbridge-uk-stateless/Fn-ingest/Function',
        },
      ],
    },
  ],
};

const fileWith = async (text: string) => {
  const path = join(await mkdtemp(join(tmpdir(), 'vb-nag-')), 'cdk-nag-report.json');
  await writeFile(path, text);
  return path;
};

describe('FileNagReport', () => {
  it('reads the report the synth wrote', async () => {
    // Prepare
    const path = await fileWith(JSON.stringify(REPORT));
    // Act
    const report = await new FileNagReport(path).read();
    // Assess
    expect(report).toEqual(REPORT);
  });

  it('answers undefined when the deployment holds no report', async () => {
    // Act
    const report = await new FileNagReport(join(tmpdir(), 'no-such-dir', 'cdk-nag-report.json')).read();
    // Assess
    expect(report).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"format":'],
    ['not a report', JSON.stringify({ ...REPORT, stacks: [] })],
  ])('refuses a file that is %s with nag-report-unavailable', async (_what, text) => {
    // Prepare
    const path = await fileWith(text);
    // Act
    const read = new FileNagReport(path).read();
    // Assess
    await expect(read).rejects.toBeInstanceOf(AppError);
    await expect(read).rejects.toMatchObject({ code: 'nag-report-unavailable' });
  });
});
