import { readFileSync } from 'node:fs';
import { LocalSettings } from '../../infra/local/settings.js';

/** The variables the configuration table of docs/local-stack.md names, in its first column. */
function documentedVariables(): string[] {
  const doc = readFileSync(new URL('../../docs/local-stack.md', import.meta.url), 'utf8');
  const section = doc.slice(
    doc.indexOf('## Configuration'),
    doc.indexOf('\n## ', doc.indexOf('## Configuration') + 1),
  );
  return [...section.matchAll(/^\| `([A-Z_]+)` /gm)].map((m) => m[1] ?? '');
}

describe('docs/local-stack.md configuration table', () => {
  it('names exactly the variables the local stack reads', () => {
    expect(documentedVariables().sort()).toEqual(Object.keys(LocalSettings.shape).sort());
  });
});
