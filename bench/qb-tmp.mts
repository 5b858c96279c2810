import { benchQueries } from './queries.js';
const apps = Number(process.argv[2] ?? 1000);
console.log(await benchQueries({ apps, rounds: 5 }));
