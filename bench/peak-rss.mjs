/**
 * Preloaded (node --import) into a command the benchmarks run: at exit, it
 * writes the process's peak resident memory, in KiB, to the file named by
 * HEROWATCH_BENCH_PEAK. Measures any command without changing it.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.HEROWATCH_BENCH_PEAK;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
