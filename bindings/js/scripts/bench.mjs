// Quick figures for the package in Node: seal and open of SIZE MiB through
// the stream API with one worker and with the whole pool, and Argon2id at
// the default cost (64 MiB, t=3, p=4). `npm run build` first.
//   node scripts/bench.mjs [SIZE_MIB]   (default 64)
import { availableParallelism } from 'node:os';

import * as kluis from '../dist/index.js';

const mib = Number(process.argv[2] ?? 64);
const total = mib << 20;
const key = { key: new Uint8Array(32).fill(7) };
const piece = new Uint8Array(1 << 20).map((_, i) => i & 0xff);

function source(bytes, pieceSize) {
  let sent = 0;
  return new ReadableStream(
    {
      pull(c) {
        if (sent >= bytes) return c.close();
        const n = Math.min(pieceSize, bytes - sent);
        c.enqueue(piece.slice(0, n));
        sent += n;
      },
    },
    { highWaterMark: 0 },
  );
}

async function drain(stream, keep) {
  const reader = stream.getReader();
  const parts = [];
  let n = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) return { n, parts };
    n += r.value.length;
    if (keep) parts.push(r.value);
  }
}

function fromParts(parts) {
  let i = 0;
  return new ReadableStream({ pull: (c) => (i < parts.length ? c.enqueue(parts[i++]) : c.close()) }, { highWaterMark: 0 });
}

await kluis.ready;
console.log(`Node ${process.version}, ${availableParallelism()} cores, ${mib} MiB, 64 KiB chunks`);
const pool = kluis.workers();
for (const workers of [...new Set([1, pool])]) {
  await kluis.configure({ workers });
  await drain(kluis.sealStream(source(4 << 20, 1 << 20), key)); // warm up the workers
  let t = performance.now();
  const sealed = await drain(kluis.sealStream(source(total, 1 << 20), key), true);
  const sealS = (performance.now() - t) / 1000;
  t = performance.now();
  const opened = await drain(kluis.openStream(fromParts(sealed.parts), key));
  const openS = (performance.now() - t) / 1000;
  if (opened.n !== total) throw new Error('round trip lost bytes');
  const rate = (s) => ((total / s) / 1e6).toFixed(1);
  console.log(`workers=${workers}: seal ${rate(sealS)} MB/s (${sealS.toFixed(2)} s), open ${rate(openS)} MB/s (${openS.toFixed(2)} s)`);
}
await kluis.configure({ workers: pool });
const runs = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  await kluis.sealBytes(new Uint8Array(0), { password: 'paard batterij nietje' });
  runs.push(performance.now() - t);
}
console.log(`Argon2id m=65536 KiB t=3 p=4 (one sealBytes of nothing, in a worker): ${runs.map((r) => r.toFixed(0)).join(', ')} ms`);
await kluis.configure({ terminate: true });
