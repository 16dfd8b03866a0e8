// Quick figures for the package in Node (scripts/bench-core.js): seal and
// open of SIZE MiB through the stream API with one worker and with the
// whole pool, and Argon2id at the default cost. `npm run build` first.
//   node scripts/bench.mjs [SIZE_MIB]   (default 64)
import { availableParallelism, loadavg } from 'node:os';

import * as kluis from '../dist/index.js';
import { bench } from './bench-core.js';

const mib = Number(process.argv[2] ?? 64);
console.log(`Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)}`);
for (const line of await bench(kluis, mib)) console.log(line);
await kluis.configure({ terminate: true });
