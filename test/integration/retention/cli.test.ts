import { fixturePatients } from '../../fixtures/notes.js';
import { cliAgainst } from '../../helpers/cli.js';
import { startTestStack, type TestStack } from '../../helpers/local-stack.js';
import { postNote } from '../him/helpers.js';

let stack: TestStack;
let env: Record<string, string>;
const [identifier] = fixturePatients.uk.identifiers;
const patient = `${identifier?.system}|${identifier?.value}`;

beforeAll(async () => {
  stack = await startTestStack();
  env = { PORT: new URL(stack.url).port, HOST: '127.0.0.1' };
  await postNote(stack, 'uk', 'cli-hold-1');
});
afterAll(() => stack.dispose());

const cli = cliAgainst(() => env);

describe('visitbridge holds and retention against a local stack', () => {
  it('places, lists and releases a patient hold; a second release exits 1 and names the cause', async () => {
    // Act
    const placed = await cli(
      'holds',
      'place',
      '--cell',
      'uk',
      '--patient',
      patient,
      '--reason',
      'Matter 77',
      '--json',
    );
    const { holdId, subject } = JSON.parse(placed.stdout);
    const listed = await cli('holds', 'list', '--cell', 'uk', '--state', 'active');
    const released = await cli('holds', 'release', holdId, '--cell', 'uk');
    const again = await cli('holds', 'release', holdId, '--cell', 'uk');
    // Assess
    expect(placed.code).toBe(0);
    expect(subject).toMatch(/^pt_/);
    expect(listed.stdout).toContain(holdId);
    expect(listed.stdout).not.toContain(identifier?.value);
    expect(released.code).toBe(0);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('409 Legal hold already released');
  });

  it('refuses a patient the cell holds no note of, and a place without a reason as a usage error', async () => {
    const unknown = await cli(
      'holds',
      'place',
      '--cell',
      'uk',
      '--patient',
      'urn:x|nobody',
      '--reason',
      'Matter 1',
    );
    const usage = await cli('holds', 'place', '--cell', 'uk', '--patient', patient);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('422 Patient unknown to this cell');
    expect(usage.code).toBe(2);
  });

  it('starts a retention run and lists its report by record class', async () => {
    // Act
    const run = await cli('retention', 'run', '--cell', 'uk');
    const runs = await cli('retention', 'runs', '--cell', 'uk', '--json');
    const table = await cli('retention', 'runs', '--cell', 'uk', '--limit', '1');
    // Assess
    expect(run.code).toBe(0);
    const reports = JSON.parse(runs.stdout).runs;
    expect(reports.map((r: { trigger: string }) => r.trigger)).toEqual([expect.stringMatching(/^him:/)]);
    expect(table.stdout).toMatch(/noteAfterDelivery\s+0\s+0\s+0/);
    expect(table.stdout).toMatch(/digests\s+-\s+-\s+not counted/);
  });
});
