import { readFileSync } from 'node:fs';
import { PROBLEMS_DOC, problemsMarkdown } from '../../scripts/problems-doc.js';
import { PROBLEMS } from '../../shared/http/problem.js';

const committed = () => readFileSync(new URL(`../../${PROBLEMS_DOC}`, import.meta.url), 'utf8');

describe('docs/problems.md', () => {
  it('holds exactly what the problem table generates', () => {
    // Act
    const stale = committed() !== problemsMarkdown();
    // Assess
    expect(stale ? `${PROBLEMS_DOC} is stale: run \`npm run schema\` and commit it` : 'up to date').toBe(
      'up to date',
    );
  });

  it('has a row for every problem code, with its status', () => {
    // Act
    const rows = problemsMarkdown()
      .split('\n')
      .map((line) => /^\| (\d{3}) +\| `([a-z-]+)` +\|/.exec(line))
      .flatMap((m) => (m ? [[m[2], Number(m[1])] as const] : []));
    // Assess
    expect(Object.fromEntries(rows)).toEqual(
      Object.fromEntries(Object.entries(PROBLEMS).map(([code, { status }]) => [code, status])),
    );
  });
});
