import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { RUNTIME_SDK_PACKAGES, SDK_REQUIRE_ALIASES } from '../../infra/bundling.js';
import { PROJECT_ROOT } from '../../infra/local/settings.js';

const require = createRequire(import.meta.url);

/** Every `.ts` file under a folder. */
function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the AWS SDK in function bundles', () => {
  it('requires every SDK package the functions import at run time, through its shim', () => {
    // Prepare
    const imported = new Set<string>();
    for (const file of ['functions', 'shared'].flatMap((f) => sources(join(PROJECT_ROOT, f)))) {
      for (const match of readFileSync(file, 'utf8').matchAll(
        /^import (?!type )[^;]*?from '@aws-sdk\/([a-z0-9-]+)'/gms,
      )) {
        imported.add(match[1] ?? '');
      }
    }
    // Act
    const aliased = Object.keys(SDK_REQUIRE_ALIASES).map((name) => name.replace('@aws-sdk/', ''));
    // Assert
    expect(imported.size).toBeGreaterThan(0);
    expect([...imported].sort()).toEqual([...RUNTIME_SDK_PACKAGES].sort());
    expect(aliased.sort()).toEqual([...RUNTIME_SDK_PACKAGES].sort());
  });

  it.each(RUNTIME_SDK_PACKAGES)('shims @aws-sdk/%s with the package itself', (name) => {
    // Prepare
    const shim = join(PROJECT_ROOT, SDK_REQUIRE_ALIASES[`@aws-sdk/${name}`] ?? '');
    // Act
    const loaded = require(shim);
    // Assert
    expect(loaded).toBe(require(`@aws-sdk/${name}`));
  });
});
