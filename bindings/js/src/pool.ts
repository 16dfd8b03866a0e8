/**
 * The worker pool: at most one worker per core (bounded), each with its
 * own instance of the module; jobs wait in one queue and go to the first
 * idle worker. Workers start on first use and stay for later calls; in
 * Node an idle worker does not keep the process alive.
 */

import { KluisError } from './errors.js';
import type { Job, Reply } from './protocol.js';
import { spawnWorker, type WorkerHandle } from './platform.js';

/** The most workers a pool has, whatever the core count says. */
export const MAX_WORKERS = 16;

interface Task {
  job: Job;
  transfer: Transferable[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: WorkerHandle;
  busy: Task | null;
  /** Its place among the workers this pool started (0, 1, ...). */
  ordinal: number;
}

let nextId = 1;

/**
 * Whether a job runs Argon2 (a header with a password): its memory (64 MiB
 * at the default cost) stays in the worker's WebAssembly memory, which
 * never shrinks, so the worker is ended after it and another starts when
 * needed (the module stays compiled). Memory then stays at one Argon2 run
 * plus the chunk batches, however many workers have run one.
 */
function usesArgon2(job: Job): boolean {
  const hasPassword = (s: unknown): boolean => typeof (s as { password?: unknown } | null)?.password === 'string';
  if (job.op === 'sealHeader') return (Array.isArray(job.secrets) ? job.secrets : [job.secrets]).some(hasPassword);
  if (job.op === 'openHeader') return hasPassword(job.secret);
  return false;
}

function stopped(error: unknown): KluisError {
  return new KluisError('Io', `a worker stopped: ${error instanceof Error ? error.message : String(error)}`);
}

export class Pool {
  private readonly idle: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly live = new Set<Slot>();
  /** Workers started or starting. */
  private count = 0;
  private started = 0;
  private retired = 0;
  /** Chunk batches (seal or open) each worker finished, by its ordinal. */
  private readonly batches: number[] = [];

  constructor(
    private readonly module: WebAssembly.Module,
    readonly size: number,
  ) {}

  /** Runs `job` on a worker; the `transfer` buffers move to it. */
  run<T>(job: Job, transfer: Transferable[] = []): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job, transfer, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  /**
   * How many chunk batches (sealing or opening) each worker this pool
   * started has finished, in the order they started: which workers took
   * part in the work so far (the tests check that every one did).
   */
  batchesByWorker(): number[] {
    return [...this.batches];
  }

  /** Stops every worker; jobs under way or queued fail. */
  terminate(): void {
    for (const slot of this.live) this.drop(slot, new Error('the workers were stopped'));
    for (const t of this.queue.splice(0)) t.reject(new KluisError('Io', 'the workers were stopped'));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.idle.pop();
      if (slot) {
        this.start(slot, this.queue.shift() as Task);
        continue;
      }
      if (this.count < this.size) {
        this.count++;
        void this.spawn();
      }
      return;
    }
  }

  private start(slot: Slot, task: Task): void {
    slot.busy = task;
    slot.worker.hold(true);
    slot.worker.post({ id: nextId++, job: task.job }, task.transfer);
  }

  /** Ends an idle worker whose memory grew (Argon2); the next job starts another. */
  private retire(slot: Slot): void {
    if (!this.live.delete(slot)) return;
    this.count--;
    this.retired++;
    slot.worker.terminate();
  }

  /** Workers ended after an Argon2 job (the tests check it). */
  retiredCount(): number {
    return this.retired;
  }

  /** Removes a worker that failed; with none left, the queue fails too. */
  private drop(slot: Slot, error: unknown): void {
    if (!this.live.delete(slot)) return;
    this.count--;
    const i = this.idle.indexOf(slot);
    if (i >= 0) this.idle.splice(i, 1);
    const task = slot.busy;
    slot.busy = null;
    slot.worker.terminate();
    task?.reject(stopped(error));
    if (this.count === 0) {
      for (const t of this.queue.splice(0)) t.reject(stopped(error));
    }
  }

  private async spawn(): Promise<void> {
    let worker: WorkerHandle;
    try {
      worker = await spawnWorker();
    } catch (e) {
      this.count--;
      if (this.count === 0) for (const t of this.queue.splice(0)) t.reject(stopped(e));
      return;
    }
    const slot: Slot = { worker, busy: null, ordinal: this.started++ };
    this.batches[slot.ordinal] = 0;
    this.live.add(slot);
    worker.onMessage((data) => {
      const reply = data as Reply;
      const task = slot.busy;
      if (!task) return;
      slot.busy = null;
      worker.hold(false);
      if (usesArgon2(task.job)) this.retire(slot);
      else this.idle.push(slot);
      if (task.job.op === 'seal' || task.job.op === 'open') this.batches[slot.ordinal]++;
      if (reply.ok) task.resolve(reply.value);
      else task.reject(new KluisError(reply.error.kind, reply.error.message, reply.error.reason));
      this.dispatch();
    });
    worker.onError((error) => this.drop(slot, error));
    // The module, compiled once on the page's thread, goes to every worker.
    this.start(slot, {
      job: { op: 'init', module: this.module },
      transfer: [],
      resolve: () => {},
      reject: (e) => queueMicrotask(() => this.drop(slot, e)),
    });
  }
}
