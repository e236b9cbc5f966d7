/**
 * `npm run bench`: runs every benchmark module in this folder (each exports `run(): Promise<void>` and
 * prints its own figures). Pass names to run a subset: `npm run bench -- parse crawl`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();

for (const file of modules) {
  console.log(`\n== ${file.replace('.bench.ts', '')} ==`);
  const { run } = (await import(join(here, file))) as { run: () => Promise<void> };
  await run();
}
