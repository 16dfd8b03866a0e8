// The measurement both bench runners share (Node: scripts/bench.mjs,
// Chromium: scripts/bench-browser.mjs): seal and open of `mib` MiB through
// the stream API with one worker and with the whole pool, and Argon2id at
// the default cost. Returns lines of text. `cpu`, where the runner has it
// (Node), gives the process's CPU seconds so far (every thread): on a busy
// machine MB per CPU second says what the code costs when wall time
// cannot.

function source(total, piece) {
  let sent = 0;
  return new ReadableStream(
    {
      pull(c) {
        if (sent >= total) return c.close();
        const n = Math.min(piece.length, total - sent);
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

export async function bench(kluis, mib, cpu = null) {
  const lines = [];
  const total = mib * (1 << 20);
  const key = { key: new Uint8Array(32).fill(7) };
  const piece = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
  await kluis.ready;
  lines.push(`${mib} MiB, 64 KiB chunks, SIMD build: ${kluis.simd()}, pool: ${kluis.workers()} workers`);
  const pool = kluis.workers();
  for (const workers of [...new Set([1, pool])]) {
    await kluis.configure({ workers });
    await drain(kluis.sealStream(source(4 << 20, piece), key)); // start the workers
    let t = performance.now();
    let c = cpu?.();
    const sealed = await drain(kluis.sealStream(source(total, piece), key), true);
    const sealS = (performance.now() - t) / 1000;
    const sealCpu = cpu ? cpu() - c : null;
    t = performance.now();
    c = cpu?.();
    const opened = await drain(kluis.openStream(fromParts(sealed.parts), key));
    const openS = (performance.now() - t) / 1000;
    const openCpu = cpu ? cpu() - c : null;
    if (opened.n !== total) throw new Error('the round trip lost bytes');
    const rate = (s) => (total / s / 1e6).toFixed(1);
    const perCpu = (s) => (s === null ? '' : `, ${rate(s)} MB per CPU second`);
    lines.push(
      `workers=${workers}: seal ${rate(sealS)} MB/s (${sealS.toFixed(2)} s${perCpu(sealCpu)}), open ${rate(openS)} MB/s (${openS.toFixed(2)} s${perCpu(openCpu)})`,
    );
  }
  await kluis.configure({ workers: pool });
  const runs = [];
  const cpus = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const c = cpu?.();
    await kluis.sealBytes(new Uint8Array(0), { password: 'paard batterij nietje' });
    runs.push(performance.now() - t);
    if (cpu) cpus.push((cpu() - c) * 1000);
  }
  const cpuNote = cpu ? ` (CPU ${cpus.map((r) => r.toFixed(0)).join(', ')} ms)` : '';
  lines.push(`Argon2id m=65536 KiB t=3 p=4 (sealBytes of nothing, in a worker): ${runs.map((r) => r.toFixed(0)).join(', ')} ms${cpuNote}`);
  return lines;
}
