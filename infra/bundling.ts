/**
 * How every function is bundled, shared by CDK (infra/cdk/constructs/cell-function.ts)
 * and the benchmark's bundles (bench/bundles.ts), so the sizes measured are the ones deployed.
 */

/** Defines `require` inside the ESM bundle for CommonJS dependencies that call it. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __vbCreateRequire } from 'node:module'; const require = __vbCreateRequire(import.meta.url);";

/**
 * Packages bundled from their ES module build. The Encryption SDK's
 * `@aws-crypto/client-node` ships one but names only its CommonJS build, which
 * esbuild cannot tree-shake: every bundle that encrypts or decrypts would carry
 * parts never used, such as the hierarchical keyring's branch key store (about
 * 40 KB of the HIM API's bundle).
 */
export const ESM_ALIASES: Readonly<Record<string, string>> = {
  '@aws-crypto/client-node': '@aws-crypto/client-node/build/module/src/index.js',
};
