/**
 * Scans one slug tarball as it streams from disk and prints the time, the
 * packages found and the process's peak RSS as JSON: run alone, so that the
 * peak is the scan's (see vulns.ts).
 */
import { createReadStream } from 'node:fs';
import { scanTarball } from '../src/vulns/sources.js';

const idle = Math.round(process.memoryUsage().rss / 1024 / 1024);
const started = performance.now();
const result = await scanTarball(createReadStream(process.argv[2]!));
const ms = performance.now() - started;
console.log(JSON.stringify({ ms, packages: result.packages.length, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), baselineRssMb: idle }));
