/**
 * `npm run bench`: runs herowatch's benchmarks and prints their figures.
 * `npm run bench -- --small` runs the small configuration CI uses.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { benchEmulator } from './emulator.js';

const small = process.argv.includes('--small');
const configuration = small ? 'small' : 'full';

const emulator = await benchEmulator(small ? { apps: 1000, reads: 1000, concurrency: 8 } : { apps: 10_000, reads: 1000, concurrency: 8 });

console.log(`herowatch benchmarks (${configuration} configuration, node ${process.version}, ${new Date().toISOString()})`);
console.log('\nemulator');
for (const [key, value] of Object.entries(emulator)) console.log(`  ${key.padEnd(24)} ${value}`);

await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL(`./results/${configuration}.json`, import.meta.url), `${JSON.stringify({ configuration, emulator }, null, 2)}\n`);
