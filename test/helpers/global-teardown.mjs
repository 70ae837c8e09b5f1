export default async function globalTeardown() {
  await globalThis.__vbDynamo?.stop();
}
