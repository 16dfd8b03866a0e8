// The report of run.mjs: the figures of one run as Markdown tables, and
// each of issue 13's targets with its measured value.

const MB = 1e6;
const GIB = 2 ** 30;
const KIB = 1024;

const median = (xs) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f1 = (x) => (x === null || x === undefined ? '–' : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined ? '–' : x.toFixed(2));

/** MB/s of the pool's and one worker's runs (null when not measured). */
export function figures(speed) {
  const bytes = speed.mib * 2 ** 20;
  const rate = (r) => (r ? { seal: bytes / r.seal / MB, open: bytes / r.open / MB, workers: r.workers } : null);
  const pool = rate(speed.runs.find((r) => r.workers === speed.pool));
  const one = rate(speed.runs.find((r) => r.workers === 1));
  const webcrypto = speed.webcrypto ? { seal: bytes / speed.webcrypto.seal / MB, open: bytes / speed.webcrypto.open / MB } : null;
  return { pool, one, webcrypto };
}

/** Peak of heap + wasm, the peak in the first and in the last third of the run (flatness), and the page's share at the peak. */
function memoryFigures(m) {
  const s = m.samples;
  const peak = s.reduce((a, b) => (b.total > a.total ? b : a));
  const end = s.at(-1).t;
  const third = (from, to) => Math.max(0, ...s.filter((x) => x.t >= from && x.t <= to).map((x) => x.total));
  return { peak, first: third(0, end / 3), last: third((2 * end) / 3, end), samples: s.length };
}

function targetLine(name, measured, ok) {
  return `| ${name} | ${measured} | ${ok ? 'met' : 'MISSED'} |`;
}

export function format(r) {
  const out = [];
  const cfg = r.cfg;
  out.push(`kluis JavaScript benchmark, ${r.started}, ${r.cores} cores, ${r.seconds.toFixed(0)} s`);
  out.push(`seal/open ${cfg.mib} MiB; memory: ${cfg.memoryMib} MiB through seal and open; Argon2id ${cfg.argon2Runs} run(s); builds: ${cfg.variants.join(', ')}`);
  const z = r.size;
  out.push('');
  out.push(
    `Package (gzip -9): JavaScript (dist/ and the glue) ${f1(z.js / KIB)} KiB; with the SIMD module ${f1((z.js + z.simd) / KIB)} KiB, with the fallback ${f1((z.js + z.fallback) / KIB)} KiB (what \`ready\` loads); loaded later: the rater and sending client ${f1(z.rate / KIB)} KiB, the receiving client ${f1(z.receive / KIB)} KiB; npm tarball (everything) ${f1(z.tarball / KIB)} KiB.`,
  );
  const targets = [];
  for (const e of r.engines) {
    out.push('');
    out.push(`## ${e.engine} (load average ${e.load.start.join(' ')} at the start, ${e.load.end.join(' ')} at the end; nice ${e.priority ?? 0})`);
    out.push('');
    out.push('| build | workers | seal MB/s | open MB/s | seal s | open s |');
    out.push('|---|---|---|---|---|---|');
    for (const v of e.variants) {
      for (const run of v.speed.runs) {
        const bytes = v.speed.mib * 2 ** 20;
        out.push(`| ${v.variant} | ${run.workers} | ${f1(bytes / run.seal / MB)} | ${f1(bytes / run.open / MB)} | ${f2(run.seal)} | ${f2(run.open)} |`);
      }
    }
    for (const v of e.variants) {
      const f = figures(v.speed);
      if (f.pool && f.one && f.pool.workers !== 1) {
        out.push(`${v.variant}: the pool of ${f.pool.workers} against one worker: seal ${f2(f.pool.seal / f.one.seal)}×, open ${f2(f.pool.open / f.one.open)}×`);
      }
    }
    const first = e.variants[0];
    const ff = figures(first.speed);
    if (ff.webcrypto) {
      const kluisGiB = { seal: GIB / (ff.pool.seal * MB), open: GIB / (ff.pool.open * MB) };
      const wcGiB = { seal: GIB / (ff.webcrypto.seal * MB), open: GIB / (ff.webcrypto.open * MB) };
      out.push('');
      out.push(`WebCrypto AES-256-GCM, 64 KiB chunks one at a time, same ${cfg.mib} MiB: encrypt ${f1(ff.webcrypto.seal)} MB/s, decrypt ${f1(ff.webcrypto.open)} MB/s.`);
      out.push(
        `kluis (${first.variant}, pool) against it: seal ${f2(ff.pool.seal / ff.webcrypto.seal)}×, open ${f2(ff.pool.open / ff.webcrypto.open)}×. On a 1 GiB file: seal ${f1(kluisGiB.seal)} s against ${f1(wcGiB.seal)} s (+${f1(kluisGiB.seal - wcGiB.seal)} s), open ${f1(kluisGiB.open)} s against ${f1(wcGiB.open)} s (+${f1(kluisGiB.open - wcGiB.open)} s).`,
      );
    }
    out.push('');
    for (const v of e.variants) {
      const a = v.speed.argon2;
      const hw = a.hashwasm.length ? `; hash-wasm argon2id ${a.hashwasm.map((x) => x.toFixed(0)).join(', ')} ms (median ${median(a.hashwasm).toFixed(0)})` : '';
      out.push(`Argon2id 64 MiB t=3 p=4, ${v.variant}: kluis ${a.kluis.map((x) => x.toFixed(0)).join(', ')} ms (median ${median(a.kluis).toFixed(0)})${hw}`);
    }
    for (const v of e.variants) {
      const m = v.memory;
      if (!m) continue;
      const rate = (m.bytes / m.seconds / MB).toFixed(1);
      if (m.samples[0].targets) {
        const mf = memoryFigures(m);
        const parts = mf.peak.targets.map((t) => `${t.type} ${f1(t.heap / 2 ** 20)}+${f1(t.wasm / 2 ** 20)}`).join(', ');
        out.push(
          `Memory, ${v.variant}: ${m.bytes / GIB >= 1 ? `${(m.bytes / GIB).toFixed(0)} GiB` : `${m.bytes / 2 ** 20} MiB`} sealed and opened at once (${rate} MB/s, ${m.workers} workers): JS heap + wasm memory peak ${f1(mf.peak.total)} MiB (heap ${f1(mf.peak.heap)}, wasm ${f1(mf.peak.wasm)}; ${parts} MiB), peak in the first third ${f1(mf.first)} MiB, in the last third ${f1(mf.last)} MiB; ${mf.samples} samples`,
        );
      } else {
        const peak = Math.max(...m.samples.map((x) => x.rss));
        const heap = Math.max(...m.samples.map((x) => x.heap));
        const end = m.samples.at(-1).t;
        const lastThird = Math.max(...m.samples.filter((x) => x.t >= (2 * end) / 3).map((x) => x.rss));
        const firstThird = Math.max(...m.samples.filter((x) => x.t <= end / 3).map((x) => x.rss));
        out.push(
          `Memory, ${v.variant}: ${(m.bytes / 2 ** 20).toFixed(0)} MiB sealed and opened at once (${rate} MB/s): resident ${f1(m.rssBefore)} MiB before, peak ${f1(peak)} MiB (+${f1(peak - m.rssBefore)}; first third ${f1(firstThird)}, last third ${f1(lastThird)}); main thread's heap at most ${f1(heap)} MiB`,
        );
      }
    }
    if (e.engine.startsWith('Chromium')) {
      for (const v of e.variants) {
        const f = figures(v.speed);
        const a = v.speed.argon2;
        const tag = `${v.variant}`;
        if (f.pool) targets.push(targetLine(`seal/open ≥ 100 MB/s with the pool (${tag})`, `seal ${f1(f.pool.seal)}, open ${f1(f.pool.open)} MB/s`, Math.min(f.pool.seal, f.pool.open) >= 100));
        if (f.pool && f.one && f.pool.workers !== 1) {
          const s = f.pool.seal / f.one.seal;
          const o = f.pool.open / f.one.open;
          targets.push(targetLine(`pool ≥ 1.7× one worker (${tag})`, `seal ${f2(s)}×, open ${f2(o)}×`, Math.min(s, o) >= 1.7));
        }
        targets.push(targetLine(`Argon2id ≤ 0.5 s (${tag})`, `median ${median(a.kluis).toFixed(0)} ms`, median(a.kluis) <= 500));
        if (a.hashwasm.length) {
          targets.push(
            targetLine(`Argon2id no slower than hash-wasm (${tag})`, `${median(a.kluis).toFixed(0)} against ${median(a.hashwasm).toFixed(0)} ms`, median(a.kluis) <= median(a.hashwasm)),
          );
        }
        if (v.memory && v.memory.samples[0].targets) {
          const mf = memoryFigures(v.memory);
          const flat = mf.last <= mf.first * 1.1 + 2;
          targets.push(
            targetLine(`memory flat and < 128 MiB on ${(v.memory.bytes / 2 ** 20).toFixed(0)} MiB (${tag})`, `peak ${f1(mf.peak.total)} MiB; first third ${f1(mf.first)}, last ${f1(mf.last)}`, flat && mf.peak.total < 128),
          );
        }
      }
    }
  }
  targets.push(targetLine('package gzip < 400 KiB (what `ready` loads, SIMD build)', `${f1((z.js + z.simd) / KIB)} KiB`, z.js + z.simd < 400 * KIB));
  targets.push(targetLine('package gzip < 400 KiB (what `ready` loads, fallback build)', `${f1((z.js + z.fallback) / KIB)} KiB`, z.js + z.fallback < 400 * KIB));
  out.push('');
  out.push('## Targets (issue 13; Chromium)');
  out.push('');
  out.push('| target | measured | |');
  out.push('|---|---|---|');
  out.push(...targets);
  return out.join('\n');
}
