import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** The WCAG 2.1 A and AA rules, plus axe's best practices (landmarks, headings). */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const BLOCKING = new Set(['serious', 'critical']);

/**
 * Runs axe over the page as it stands and throws, printing each serious or
 * critical violation with the elements at fault; `label` names the screen.
 */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const blocking = violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  if (!blocking.length) return;
  const report = blocking
    .map(
      (v) =>
        `    [${v.impact}] ${v.id}: ${v.help}\n${v.nodes
          .slice(0, 5)
          .map((n) => `      ${n.target.join(' ')}: ${n.failureSummary?.replaceAll('\n', ' ')}`)
          .join('\n')}`,
    )
    .join('\n');
  console.log(`    axe on ${label}:\n${report}`);
  throw new Error(`${label}: ${blocking.length} serious or critical accessibility violations`);
}
