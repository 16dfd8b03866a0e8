// The web pages' targets of issue 14, measured on loopback with the real
// kluis-server (SQLite, folder store) and Debian's headless Chromium — a
// benchmark to run by hand, not a timed test:
//   node web/bench/loopback.mjs [SIZE_MIB] [MEMORY_MIB] [memory|live]   (defaults 1024 and 2048)
// (with `memory`, only the memory figure, 3.; with `live`, only that figure
// twice: as a person's browser has it, then with a forced garbage
// collection in the page and every worker before each sample, which says
// how much of the peak is held and how much is dead buffers not yet
// collected. The first is the figure; the second is a diagnosis.)
//
// 1. The package's own seal and open speed in this browser (sealStream and
//    openStream of SIZE MiB with a key, the default worker pool), on a page
//    of its own that serves bindings/js.
// 2. The send page: a SIZE MiB file sealed and uploaded (from the click on
//    Send to the done page), and the receive page: the same file fetched,
//    decrypted and saved (File System Access path into the origin-private
//    folder; from the click on Save to "saved"), each as a percentage of 1;
//    in a normal (persistent) profile, as a person's browser.
// 3. Memory while the receive page saves a MEMORY_MIB file: JS heap and
//    array-buffer backing stores of the page and each of its workers,
//    through the DevTools protocol (Runtime.getHeapUsage), sampled every
//    250 ms, the peak of their sum; plus every WebAssembly memory of the
//    page and its workers after the save (which Runtime.getHeapUsage does
//    not count; a module's memory never shrinks, so that is its peak).
// 4. The send page's time to interactive on loopback: navigation start to
//    the address field shown and enabled (the page's script ran; the engine
//    loads meanwhile, and when its .wasm arrived is printed too), median of 5.
// 5. The assets' gzip sizes (web/sizes.mjs).
// 6. A diagnosis with 1. and 2.: where the CPU time went while each ran
//    (web/bench/cpu.mjs: the machine's busy share and the CPU seconds of
//    each thread of Chromium and kluis-server, by what it is).
// Prints the figures, Chromium's version and the load average before and
// after (the machine may be shared: the ratios come from one run).
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { readFile, rm } from "node:fs/promises";
import { loadavg } from "node:os";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";
import { bigFile, repo, startServer, workDir } from "../test/e2e/harness.mjs";
import { cpuWatch } from "./cpu.mjs";

const MIB = 1 << 20;
const size = Number(process.argv[2] ?? 1024) * MIB;
const memSize = Number(process.argv[3] ?? 2048) * MIB;
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const out = (s) => console.log(s);
const loadBefore = load();

// 1. The package on a page of its own (same browser).
const pkg = join(repo, "bindings", "js");
const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm" };
const pkgServer = createServer(async (req, res) => {
  const path = normalize(join(pkg, decodeURIComponent(new URL(req.url, "http://x").pathname)));
  if (path.endsWith("/bench.html")) return res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><title>bench</title><script type="module">import * as k from "/dist/index.js"; window.kluis = k;</script>');
  if (!path.startsWith(pkg + "/")) return res.writeHead(403).end();
  const body = await readFile(path).catch(() => null);
  if (!body) return res.writeHead(404).end();
  res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
});
await new Promise((ok) => pkgServer.listen(0, "127.0.0.1", ok));

const work = await workDir("bench");
const server = await startServer(join(work, "server"));
const chromiumOptions = { executablePath: process.env.CHROMIUM ?? process.env.KLUIS_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] };
const browser = await chromium.launch(chromiumOptions);
// The send and receive pages run in a normal profile, as a person's browser:
// in an off-the-record context (a private window, or playwright's
// newContext) Chromium cannot spill Blobs to disk, and the package keeps a
// sealed transfer in Blobs until it is uploaded, so a send of more than
// about 2 GB fails there (docs/WEB.md).
const profile = await chromium.launchPersistentContext(join(work, "profile"), chromiumOptions);
// KLUIS_BENCH_WORKERS=n: the package's pool and the pages' pools get n
// workers instead of one per core (a diagnosis: with fewer workers than
// cores, a core is left for what is not the cipher, as on a larger machine).
const poolWorkers = Number(process.env.KLUIS_BENCH_WORKERS ?? 0);
if (poolWorkers > 0) {
  await profile.addInitScript((n) => Object.defineProperty(Navigator.prototype, "hardwareConcurrency", { get: () => n }), poolWorkers);
}
await profile.addInitScript(() => {
  window.showDirectoryPicker = () => navigator.storage.getDirectory();
  window.showSaveFilePicker = async ({ suggestedName } = {}) => (await navigator.storage.getDirectory()).getFileHandle(suggestedName ?? "file", { create: true });
});

try {
  out(`Chromium ${browser.version()}, load average before ${loadBefore}`);

  const onlyMemory = process.argv[4] === "memory" || process.argv[4] === "live";
  const alsoLive = process.argv[4] === "live";
  if (!onlyMemory) {
    const bench = await browser.newPage();
    await bench.goto(`http://127.0.0.1:${pkgServer.address().port}/bench.html`);
    await bench.waitForFunction(() => window.kluis);
    const ownCpu = cpuWatch();
    const own = await bench.evaluate(async ([total, poolWorkers]) => {
      const k = window.kluis;
      await k.ready;
      if (poolWorkers > 0) await k.configure({ workers: poolWorkers });
      const piece = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
      const source = (n) => {
        let sent = 0;
        return new ReadableStream({ pull: (c) => (sent >= n ? c.close() : (c.enqueue(piece.slice(0, Math.min(piece.length, n - sent))), (sent += piece.length))) }, { highWaterMark: 0 });
      };
      const key = () => ({ key: new Uint8Array(32).fill(7) }); // fresh each call: the package may transfer it
      const drain = async (s, keep) => {
        const r = s.getReader();
        const parts = [];
        let n = 0;
        for (;;) {
          const x = await r.read();
          if (x.done) return { n, parts };
          n += x.value.length;
          if (keep) parts.push(x.value);
        }
      };
      await drain(k.sealStream(source(8 << 20), key()));
      // Sealed in 256 MiB rounds (kept for the open), so memory stays bounded.
      const round = Math.min(total, 256 << 20);
      let sealMs = 0;
      let openMs = 0;
      for (let done = 0; done < total; done += round) {
        let t = performance.now();
        const sealed = await drain(k.sealStream(source(round), key()), true);
        sealMs += performance.now() - t;
        let i = 0;
        t = performance.now();
        const opened = await drain(k.openStream(new ReadableStream({ pull: (c) => (i < sealed.parts.length ? c.enqueue(sealed.parts[i++]) : c.close()) }, { highWaterMark: 0 }), key()));
        openMs += performance.now() - t;
        if (opened.n !== round) throw new Error("lost bytes");
      }
      return { seal: total / (sealMs / 1000), open: total / (openMs / 1000), workers: k.workers(), simd: k.simd() };
    }, [size, poolWorkers]);
    await bench.close();
    const mbs = (x) => (x / 1e6).toFixed(1);
    out(`package in this browser (${own.workers} workers, SIMD ${own.simd}), ${size / MIB} MiB: seal ${mbs(own.seal)} MB/s, open ${mbs(own.open)} MB/s`);
    out(ownCpu.stop());

    // 2. Send and receive through the pages.
    const file = join(work, "groot.bin");
    await bigFile(file, size, 11);
    const sent = await sendThroughPage(file, "ontvanger@example.org");
    const sendRate = size / sent.seconds;
    out(`send page: ${size / MIB} MiB sealed and uploaded in ${sent.seconds.toFixed(1)} s = ${mbs(sendRate)} MB/s = ${((100 * sendRate) / own.seal).toFixed(0)} % of the package's seal`);
    out(sent.cpu);
    await rm(file);
    const got = await receiveThroughPage(sent, false);
    const getRate = size / got.seconds;
    out(`receive page: ${size / MIB} MiB fetched, decrypted and saved in ${got.seconds.toFixed(1)} s = ${mbs(getRate)} MB/s = ${((100 * getRate) / own.open).toFixed(0)} % of the package's open`);
    out(got.cpu);

  }

  // 3. Memory while saving a large file.
  const memFile = join(work, "memory.bin");
  await bigFile(memFile, memSize, 12);
  const memSent = await sendThroughPage(memFile, "geheugen@example.org");
  await rm(memFile);
  const mem = await receiveThroughPage(memSent, "sample");
  out(`memory while saving ${memSize / MIB} MiB: peak JS heap + array buffers + WebAssembly memories of the page and its workers ${((mem.peak + mem.wasm.total) / MIB).toFixed(1)} MiB at most: heap and buffers ${(mem.peak / MIB).toFixed(1)} at their peak (page ${(mem.peakParts.page / MIB).toFixed(1)}, workers ${(mem.peakParts.workers / MIB).toFixed(1)}: ${mem.peakParts.each.join("; ")}; ${mem.samples} samples), WebAssembly ${(mem.wasm.total / MIB).toFixed(1)} (${mem.wasm.each.join("; ")})`);
  if (alsoLive) {
    const live = await receiveThroughPage(memSent, "collect");
    out(`  the same with a forced collection before each sample (what is held): heap and buffers at their peak ${(live.peak / MIB).toFixed(1)} MiB (page ${(live.peakParts.page / MIB).toFixed(1)}, workers ${(live.peakParts.workers / MIB).toFixed(1)}: ${live.peakParts.each.join("; ")}; ${live.samples} samples), WebAssembly ${(live.wasm.total / MIB).toFixed(1)}`);
  }

  // 4. Time to interactive of the send page.
  if (!onlyMemory) {
    const times = [];
    for (let i = 0; i < 5; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}/`, { waitUntil: "commit" });
      await page.waitForSelector("#address:not([disabled])");
      const usable = await page.evaluate(() => performance.now());
      // The engine (its worker and .wasm) loads while the sender types: when its last byte arrived.
      await page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.endsWith(".wasm") && e.responseEnd > 0), null, { timeout: 30_000 });
      const engine = await page.evaluate(() => Math.max(...performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".wasm")).map((e) => e.responseEnd)));
      times.push([usable, engine]);
      await context.close();
  }
  const median = (k) => times.map((t) => t[k]).sort((a, b) => a - b)[2];
  out(`send page interactive (navigation start to the address field usable, fresh context each, no cache): ${times.map((t) => t[0].toFixed(0)).join(", ")} ms, median ${median(0).toFixed(0)} ms; the engine's .wasm fully loaded at ${times.map((t) => t[1].toFixed(0)).join(", ")} ms, median ${median(1).toFixed(0)} ms`);
  }
  out(`load average after ${load()}`);
} finally {
  await profile.close();
  await browser.close();
  await server.stop();
  pkgServer.close();
  await rm(work, { recursive: true, force: true });
}

// 5. Sizes.
out(execFileSync(process.execPath, [join(repo, "web", "sizes.mjs"), join(repo, "web", "dist")], { encoding: "utf8" }).split("\n").filter((l) => !l.includes(" B  ")).join("\n"));

/** Sends `path` through the send page; returns { link, password, seconds } (click on Send to the done page). */
async function sendThroughPage(path, to) {
  const page = await profile.newPage();
  const from = "bench@gemeente.example";
  await page.goto(`${server.url}/?lang=en`);
  await page.waitForSelector("#address, #recipient-0");
  if (await page.$("#address")) {
    await page.fill("#address", from);
    await page.keyboard.press("Enter");
    await page.fill("#code", await server.code(from));
    await page.keyboard.press("Enter");
  }
  await page.fill("#recipient-0", to);
  await page.keyboard.press("Enter");
  await page.setInputFiles("#files", path);
  await page.click("main form button[type=submit]");
  await page.waitForSelector("#generated-password");
  await page.click("main form button[type=submit]");
  await page.waitForSelector("#expiry");
  await page.click("main form button[type=submit]");
  await page.waitForSelector("#send");
  const t = performance.now();
  const watch = cpuWatch();
  await page.click("#send");
  await page.waitForSelector("#link, #retry", { timeout: 30 * 60_000 });
  const seconds = (performance.now() - t) / 1000;
  const cpu = watch.stop();
  if (!(await page.$("#link"))) throw new Error(`the send page failed: ${await page.textContent("main")}`);
  const link = (await page.textContent("#link")).trim();
  const password = (await page.getAttribute("#done-password", "aria-label")).split(" - ").join("-");
  await page.close();
  return { link, password, seconds, cpu };
}

/**
 * Opens and saves `sent` through the receive page (FSA path, origin-private
 * folder); with `sample` ("sample", or "collect": a forced collection
 * everywhere before each sample), the memory peak.
 */
async function receiveThroughPage(sent, sample) {
  const page = await profile.newPage();
  const cdp = await profile.newCDPSession(page);
  // The workers: attached (not flattened) so their heaps can be asked for.
  const workers = new Map();
  let nextId = 1;
  const pending = new Map();
  cdp.on("Target.attachedToTarget", (e) => workers.set(e.sessionId, `${e.targetInfo.type} ${e.targetInfo.url.split("/").pop()}`));
  cdp.on("Target.detachedFromTarget", (e) => workers.delete(e.sessionId));
  cdp.on("Target.receivedMessageFromTarget", (e) => {
    const m = JSON.parse(e.message);
    pending.get(m.id)?.(m.result);
    pending.delete(m.id);
  });
  await cdp.send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const ask = (sessionId, method, params = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      cdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method, params }) }).catch(() => resolve(null));
      setTimeout(() => resolve(null), 2000);
    });
  // WebAssembly memories are not array-buffer backing stores to
  // Runtime.getHeapUsage, so they are asked for apart: every
  // WebAssembly.Memory in an isolate (found by its prototype), summed. A
  // module's memory never shrinks, so its size after the save is its peak.
  const send = (sessionId, method, params) => (sessionId ? ask(sessionId, method, params) : cdp.send(method, params).catch(() => null));
  const wasmOf = async (sessionId) => {
    const proto = await send(sessionId, "Runtime.evaluate", { expression: "WebAssembly.Memory.prototype" });
    if (!proto?.result?.objectId) return 0;
    const found = await send(sessionId, "Runtime.queryObjects", { prototypeObjectId: proto.result.objectId });
    if (!found?.objects?.objectId) return 0;
    const sum = await send(sessionId, "Runtime.callFunctionOn", {
      objectId: found.objects.objectId,
      functionDeclaration: "function () { return this.reduce((n, m) => n + m.buffer.byteLength, 0); }",
      returnByValue: true,
    });
    return sum?.result?.value ?? 0;
  };
  const heapOf = (sessionId) => ask(sessionId, "Runtime.getHeapUsage");
  const collect = sample === "collect";
  const bytesOf = (h) => (h ? h.usedSize + (h.backingStorageSize ?? 0) : 0);

  await page.goto(sent.link);
  await page.fill("#password", sent.password);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#save-0", { timeout: 60_000 });
  let peak = 0;
  let peakParts = { page: 0, workers: 0 };
  let samples = 0;
  let sampling = sample;
  const sampler = (async () => {
    while (sampling) {
      if (collect) {
        await cdp.send("HeapProfiler.collectGarbage");
        for (const sessionId of [...workers.keys()]) await ask(sessionId, "HeapProfiler.collectGarbage");
      }
      const ownHeap = await cdp.send("Runtime.getHeapUsage");
      const own = bytesOf(ownHeap);
      let inWorkers = 0;
      const each = [`page: heap ${(ownHeap.usedSize / MIB).toFixed(1)} + buffers ${((ownHeap.backingStorageSize ?? 0) / MIB).toFixed(1)}`];
      for (const [sessionId, what] of [...workers.entries()]) {
        const h = await heapOf(sessionId);
        inWorkers += bytesOf(h);
        if (h) each.push(`${what}: heap ${(h.usedSize / MIB).toFixed(1)} + buffers ${((h.backingStorageSize ?? 0) / MIB).toFixed(1)}`);
      }
      samples++;
      if (own + inWorkers > peak) {
        peak = own + inWorkers;
        peakParts = { page: own, workers: inWorkers, each };
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const t = performance.now();
  const watch = cpuWatch();
  await page.click("#save-0");
  await page.waitForSelector("#file-status-0.kluis-file-status--done", { timeout: 30 * 60_000 });
  const seconds = (performance.now() - t) / 1000;
  const cpu = watch.stop();
  sampling = false;
  await sampler;
  let wasmTotal = await wasmOf(null);
  const wasm = [`page ${(wasmTotal / MIB).toFixed(1)}`];
  for (const [sessionId, what] of [...workers.entries()]) {
    const w = await wasmOf(sessionId);
    wasmTotal += w;
    wasm.push(`${what} ${(w / MIB).toFixed(1)}`);
  }
  const saved = await page.evaluate(async () => {
    const dir = await navigator.storage.getDirectory();
    let n = 0;
    for await (const [, h] of dir.entries()) {
      n += (await h.getFile()).size;
      await dir.removeEntry(h.name);
    }
    return n;
  });
  if (saved <= 0) throw new Error("nothing saved");
  await page.close();
  return { seconds, cpu, peak, peakParts, samples, wasm: { total: wasmTotal, each: wasm } };
}
