/**
 * The page's side of src/transfer-worker.ts: one worker for the drop
 * server's client, started on the first transfer call, and a handle for
 * each session object in it whose methods are called by message.
 */

import { KluisError, type FailureData } from './errors.js';
import { spawnWorker, type WorkerHandle } from './platform.js';

/** A call to the worker. */
export type RemoteCall =
  | { id: number; kind: 'make'; name: string; args: unknown[] }
  | { id: number; kind: 'call'; handle: number; method: string; args: unknown[] }
  | { id: number; kind: 'free'; handle: number };

/** Its answer; a session object comes back as `{ handle }`. */
export type RemoteReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: FailureData };

type Call = RemoteCall extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never;

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

class Channel {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly worker: WorkerHandle, private readonly onDeath: () => void) {
    worker.onMessage((data) => {
      const reply = data as RemoteReply;
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.hold(false);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new KluisError(reply.error.kind, reply.error.message, reply.error.reason));
    });
    worker.onError((e) => {
      const error = new KluisError('Io', `the transfer worker stopped: ${e instanceof Error ? e.message : String(e)}`);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
      this.onDeath();
    });
  }

  send(call: Call, transfer: Transferable[] = []): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.hold(true);
      this.worker.post({ ...call, id }, transfer);
    });
  }
}

let worker: Promise<Channel> | null = null;

function getWorker(): Promise<Channel> {
  if (worker === null) {
    worker = spawnWorker('transfer').then((w) => new Channel(w, () => (worker = null)));
    worker.catch(() => (worker = null));
  }
  return worker;
}

/**
 * Runs static function `name` of the transfer worker (one that gives a
 * value, not a session object) in a worker of its own, ended as soon as it
 * answers or `signal` aborts. For the manifest's Argon2: a module's memory
 * never shrinks, so 64 MiB of Argon2 would otherwise stay with the
 * downloads in the shared worker for as long as the page lives.
 */
export async function isolated(name: string, args: unknown[], signal?: AbortSignal): Promise<unknown> {
  signal?.throwIfAborted();
  const w = await spawnWorker('transfer');
  isolatedRuns++;
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    w.terminate();
  };
  try {
    const channel = new Channel(w, end);
    const answer = channel.send({ kind: 'make', name, args });
    if (!signal) return await answer;
    return await new Promise((resolve, reject) => {
      const abort = (): void => reject(signal.reason);
      signal.addEventListener('abort', abort, { once: true });
      answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
    });
  } finally {
    end();
  }
}

let isolatedRuns = 0;

/** How many workers {@link isolated} started (the tests check it). */
export function isolatedCount(): number {
  return isolatedRuns;
}

/**
 * Bytes of memory held by the shared transfer worker's modules: `rate`
 * (sending) and `receive` (verifying and opening), 0 for one not loaded.
 */
export async function moduleMemory(): Promise<{ rate: number; receive: number }> {
  const w = await getWorker();
  return (await w.send({ kind: 'make', name: 'moduleMemory', args: [] })) as { rate: number; receive: number };
}

/** Drops, in the worker, the objects whose handles were collected here without `free`. */
const collected = new FinalizationRegistry<() => void>((drop) => drop());

/** A session object in the worker. */
export class Remote {
  private freed = false;

  private constructor(private readonly worker: Channel, private readonly handle: number) {
    collected.register(this, () => void worker.send({ kind: 'free', handle }).catch(() => {}), this);
  }

  /** Makes session `name` (`Sealing`, `Opening`, `SignIn.request`, ...) with `args`. */
  static async make(name: string, args: unknown[]): Promise<Remote> {
    const w = await getWorker();
    const { handle } = (await w.send({ kind: 'make', name, args })) as { handle: number };
    return new Remote(w, handle);
  }

  /** Calls `method`; the `transfer` buffers move to the worker. */
  call(method: string, args: unknown[] = [], transfer: Transferable[] = []): Promise<unknown> {
    if (this.freed) return Promise.reject(new KluisError('InvalidArgument', 'the session is over'));
    return this.worker.send({ kind: 'call', handle: this.handle, method, args }, transfer);
  }

  /** Calls `method`, which gives another session object. */
  async child(method: string, args: unknown[] = []): Promise<Remote> {
    const { handle } = (await this.call(method, args)) as { handle: number };
    return new Remote(this.worker, handle);
  }

  /** Drops the object in the worker (its keys are wiped). */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    collected.unregister(this);
    this.worker.send({ kind: 'free', handle: this.handle }).catch(() => {});
  }
}
