/**
 * Preloaded (node --import) into a command the benchmarks run: at exit, it
 * writes the peak resident memory, in KiB, to the file named by
 * HEROWATCH_BENCH_PEAK. Measures any command without changing it. Where
 * bin/herowatch runs the command in a child (to give it its heap ceiling on
 * Node 20), the child inherits this too: the file keeps the larger figure.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.env.HEROWATCH_BENCH_PEAK;
if (file)
  process.on('exit', () => {
    let before = 0;
    try {
      before = Number(readFileSync(file, 'utf8')) || 0;
    } catch {
      // first to write
    }
    writeFileSync(file, String(Math.max(before, process.resourceUsage().maxRSS)));
  });
