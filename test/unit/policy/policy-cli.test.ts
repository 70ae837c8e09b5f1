import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyCommand } from '../../../infra/cli/policy.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
  };
  return { out, io };
}

function policyFile(
  edit: (json: { transfers: Array<{ mechanism: Record<string, unknown> }> }) => void,
): string {
  const json = JSON.parse(readFileSync('policy/default-policy.json', 'utf8'));
  edit(json);
  const file = join(mkdtempSync(join(tmpdir(), 'vb-policy-cli-')), 'policy.json');
  writeFileSync(file, JSON.stringify(json));
  return file;
}

describe('visitbridge policy check', () => {
  it('prints OK and exits 0 for the default policy', async () => {
    const { out, io } = capture();
    const code = await policyCommand(
      ['check', 'policy/default-policy.json', '--now', '2026-11-25T00:00:00Z'],
      io,
    );
    expect(code).toBe(0);
    expect(out.stdout).toBe(
      'policy/default-policy.json: OK (policy 2026-11-30.1, 5 jurisdictions, 22 rules)\n',
    );
  });

  it('prints each error with its path and exits 1 for an invalid policy', async () => {
    const file = policyFile((json) => {
      Object.assign(json.transfers[5]?.mechanism ?? {}, { expires: 'never' });
    });
    const { out, io } = capture();
    expect(await policyCommand(['check', file], io)).toBe(1);
    expect(out.stdout).toContain('INVALID (1 error)');
    expect(out.stdout).toContain('  error: transfers[5].mechanism.expires: must be a date YYYY-MM-DD\n');
  });

  it('escapes control characters the policy file holds when it prints them', async () => {
    const file = policyFile((json) => {
      Object.assign(json.transfers[5]?.mechanism ?? {}, { 'expries\x1b[2J': '2030-01-01' });
    });
    const { out, io } = capture();
    expect(await policyCommand(['check', file], io)).toBe(1);
    expect(out.stdout).toContain('expries\\x1b[2J');
    expect(out.stdout).not.toContain('\x1b');
  });

  it('prints warnings but exits 0 without --strict', async () => {
    const { out, io } = capture();
    const code = await policyCommand(
      ['check', 'policy/default-policy.json', '--now', '2031-12-01T00:00:00Z'],
      io,
    );
    expect(code).toBe(0);
    expect(out.stdout).toContain('OK with warnings');
    expect(out.stdout).toContain(
      'warning [mechanism-expiring] transfers[5].mechanism.expires: rule eu-uk.adequacy',
    );
  });

  it('fails on warnings with --strict', async () => {
    const { out, io } = capture();
    const code = await policyCommand(
      ['check', 'policy/default-policy.json', '--strict', '--now', '2031-12-01T00:00:00Z'],
      io,
    );
    expect(code).toBe(1);
    expect(out.stdout).toContain('FAILED (strict)');
  });

  it('exits 2 with usage for a missing file argument', async () => {
    const { out, io } = capture();
    expect(await policyCommand(['check'], io)).toBe(2);
    expect(out.stderr).toContain('usage: visitbridge policy check FILE');
  });

  it('exits 2 for an unknown option', async () => {
    const { io } = capture();
    expect(await policyCommand(['check', 'x.json', '--bogus'], io)).toBe(2);
  });
});
