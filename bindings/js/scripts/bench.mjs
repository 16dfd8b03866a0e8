// Quick figures for the package in Node (scripts/bench-core.js): seal and
// open of SIZE MiB through the stream API with one worker and with the
// whole pool, and Argon2id at the default cost. `npm run build` first.
//   node scripts/bench.mjs [SIZE_MIB]   (default 64)
import { availableParallelism, loadavg } from 'node:os';

import * as kluis from '../dist/index.js';
import { bench } from './bench-core.js';

const mib = Number(process.argv[2] ?? 64);
console.log(`Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)}`);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
for (const line of await bench(kluis, mib, cpu)) console.log(line);

// Memory: SIZE MiB sealed and opened at once (sealStream piped into
// openStream, nothing kept), the process's resident memory sampled
// throughout (every thread: the page's, the workers' and their wasm
// memories).
{
  const key = { key: new Uint8Array(32).fill(9) };
  const piece = new Uint8Array(1 << 20);
  let sent = 0;
  const total = mib * (1 << 20);
  const src = new ReadableStream(
    {
      pull(c) {
        if (sent >= total) return c.close();
        c.enqueue(piece.slice());
        sent += piece.length;
      },
    },
    { highWaterMark: 0 },
  );
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const reader = kluis.openStream(kluis.sealStream(src, key), key).getReader();
  let n = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    n += r.value.length;
  }
  clearInterval(timer);
  if (n !== total) throw new Error('the round trip lost bytes');
  console.log(`memory: ${mib} MiB sealed and opened through streams: resident ${(base / 2 ** 20).toFixed(0)} MiB before, peak ${(peak / 2 ** 20).toFixed(0)} MiB`);
}
await kluis.configure({ terminate: true });
