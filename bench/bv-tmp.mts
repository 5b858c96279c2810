import { benchVulns } from './vulns.js';
console.log(await benchVulns({ slugMb: 1, advisories: 30000, apps: 2000, packagesPerApp: 300, baselineApps: 2 }));
