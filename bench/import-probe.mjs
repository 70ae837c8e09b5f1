// Run in a fresh `node` process by bench/startup.ts: imports one module and
// prints, as JSON on stdout, how long the import took (plus one microtask), and
// with a second argument, how long until the named export's init settled.
const [, , file, build] = process.argv;
const started = performance.now();
const mod = await import(file);
await Promise.resolve();
const importMs = performance.now() - started;
let initMs;
if (build) {
  await mod[build](process.env);
  initMs = performance.now() - started;
}
process.stdout.write(`${JSON.stringify({ importMs, initMs })}\n`);
