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

/** The AWS SDK packages the functions import; the Lambda runtime provides them (never bundled). */
export const RUNTIME_SDK_PACKAGES = [
  'client-dynamodb',
  'client-kms',
  'client-lambda',
  'client-s3',
  'client-secrets-manager',
  'util-dynamodb',
] as const;

/**
 * Each runtime SDK package aliased to a CommonJS shim (`infra/sdk-require/<name>.cjs`) that
 * `require()`s it. The SDK's packages are CommonJS: imported from the ES module bundle, Node
 * first lexes each for its exports and goes through its ES module loader; required, they load
 * directly, and a cold start imports the handler in about a quarter less time (`npm run bench`,
 * docs/benchmark.md). Paths are relative to the project root, esbuild's working directory.
 */
export const SDK_REQUIRE_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(
  RUNTIME_SDK_PACKAGES.map((name) => [`@aws-sdk/${name}`, `./infra/sdk-require/${name}.cjs`]),
);

/** Every alias a function bundle is built with. */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = { ...ESM_ALIASES, ...SDK_REQUIRE_ALIASES };
