// Memory of a page and of each of its workers, through the Chrome DevTools
// Protocol (playwright-core's CDP session): per target, the JS heap in use
// (Runtime.getHeapUsage) and the size of the buffer of every
// WebAssembly.Memory that a module instantiated there exports. Workers
// are reached by auto-attaching to them as they start (Target.setAutoAttach,
// messages through Target.sendMessageToTarget), which also lets HOOK run in
// each before its own script: it notes the memory of every
// WebAssembly.Instance made there (wasm-bindgen's glue makes one with
// `new WebAssembly.Instance`), so that a sample reads `buffer.byteLength`
// without walking the heap (Runtime.queryObjects crashes a renderer whose
// workers are busy in wasm, Chromium 156). Call `watchMemory` before the
// page loads.

/** Runs in the page and in every worker before anything else. */
const HOOK = `(() => {
  if (globalThis.__kluisBenchMemories) return;
  const memories = (globalThis.__kluisBenchMemories = []);
  const Instance = WebAssembly.Instance;
  WebAssembly.Instance = new Proxy(Instance, {
    construct(target, args, newTarget) {
      const instance = Reflect.construct(target, args, newTarget);
      for (const v of Object.values(instance.exports)) if (v instanceof WebAssembly.Memory) memories.push(v);
      return instance;
    },
  });
})()`;
const SUM = 'globalThis.__kluisBenchMemories ? [__kluisBenchMemories.length, __kluisBenchMemories.reduce((s, m) => s + m.buffer.byteLength, 0)] : [0, 0]';

const MIB = 2 ** 20;

/** Starts watching `page`'s targets; `sample()` measures them all. */
export async function watchMemory(page) {
  const cdp = await page.context().newCDPSession(page);
  const workers = new Map();
  const waiting = new Map();
  let nextId = 1;
  cdp.on('Target.attachedToTarget', (e) => {
    workers.set(e.sessionId, e.targetInfo);
    const send = toWorker(e.sessionId);
    // The worker waits for this before it runs its script.
    send('Runtime.evaluate', { expression: HOOK })
      .finally(() => send('Runtime.runIfWaitingForDebugger'))
      .catch(() => {});
  });
  cdp.on('Target.detachedFromTarget', (e) => workers.delete(e.sessionId));
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error) w.reject(new Error(`${m.error.message} (${w.method})`));
    else w.resolve(m.result);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
  await page.addInitScript(HOOK);

  function toWorker(sessionId) {
    return (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject, method });
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch((e) => {
        waiting.delete(id);
        reject(e);
      });
    });
  }

  /** One target's heap in use and wasm memory, in bytes. */
  async function measure(send) {
    const heap = await send('Runtime.getHeapUsage');
    const sum = await send('Runtime.evaluate', { expression: SUM, returnByValue: true });
    const [memories, wasm] = sum.result.value;
    return { heap: heap.usedSize, wasm, memories, arrayBuffers: heap.backingStorageSize ?? null };
  }

  const t0 = performance.now();
  return {
    /** Every target now: `{ t, targets: [{ type, heap, wasm, memories }], heap, wasm, total }` in MiB. */
    async sample() {
      const targets = [];
      targets.push({ type: 'page', ...(await measure((m, p) => cdp.send(m, p))) });
      for (const [sessionId, info] of workers) {
        if (info.type !== 'worker') continue;
        try {
          targets.push({ type: 'worker', ...(await measure(toWorker(sessionId))) });
        } catch (e) {
          // A worker that stopped between the list and the call.
          if (workers.has(sessionId)) throw e;
        }
      }
      const heap = targets.reduce((s, x) => s + x.heap, 0) / MIB;
      const wasm = targets.reduce((s, x) => s + x.wasm, 0) / MIB;
      return { t: (performance.now() - t0) / 1000, heap, wasm, total: heap + wasm, targets };
    },
    /** Workers seen now. */
    workerCount: () => [...workers.values()].filter((i) => i.type === 'worker').length,
    detach: () => cdp.detach().catch(() => {}),
  };
}
