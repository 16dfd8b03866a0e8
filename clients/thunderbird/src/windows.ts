/**
 * The extension's small windows: the question before sending (one per
 * mail, answered `'send'` or `'cancel'`; closing it counts as cancel, so
 * nothing goes out unasked) and the password window of a mail (one per
 * compose window, brought forward again on each new upload).
 */

import type { Concern } from './check.js';

/** `windows.create`, `windows.update` and the removal event, as used here. */
export interface WindowsApi {
  create(options: { type: 'popup'; url: string; width: number; height: number }): Promise<{ id?: number }>;
  update(windowId: number, options: { focused: boolean }): Promise<unknown>;
}

/** The questions waiting for the sender's answer. */
export class Questions {
  private next = 1;
  private readonly pending = new Map<number, { concerns: Concern[]; windowId: number | null; resolve: (a: 'send' | 'cancel') => void }>();

  constructor(private readonly windows: WindowsApi) {}

  /** Opens the question window for `concerns`; resolves with the answer. */
  async ask(concerns: Concern[]): Promise<'send' | 'cancel'> {
    const id = this.next++;
    const answer = new Promise<'send' | 'cancel'>((resolve) => this.pending.set(id, { concerns, windowId: null, resolve }));
    try {
      const created = await this.windows.create({ type: 'popup', url: `confirm.html?id=${id}`, width: 560, height: 480 });
      const entry = this.pending.get(id);
      if (entry) entry.windowId = created.id ?? null;
    } catch {
      this.answer(id, 'cancel');
    }
    return answer;
  }

  /** The concerns of question `id`, for its window; `null` once answered. */
  question(id: number): Concern[] | null {
    return this.pending.get(id)?.concerns ?? null;
  }

  /** The sender answered question `id`. */
  answer(id: number, answer: 'send' | 'cancel'): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    entry.resolve(answer);
  }

  /** A window was closed: an unanswered question in it is answered `'cancel'`. */
  onWindowRemoved(windowId: number): void {
    for (const [id, entry] of this.pending) if (entry.windowId === windowId) this.answer(id, 'cancel');
  }
}

/** The password windows, one per compose window (`null`: an upload without one). */
export class PasswordWindows {
  private readonly open = new Map<number | null, number>();

  constructor(private readonly windows: WindowsApi) {}

  /** Shows the password window of `tabId`, opening it if it is not open. */
  async show(tabId: number | null): Promise<void> {
    const existing = this.open.get(tabId);
    if (existing !== undefined) {
      try {
        await this.windows.update(existing, { focused: true });
        return;
      } catch {
        this.open.delete(tabId);
      }
    }
    const created = await this.windows.create({ type: 'popup', url: `password.html?tab=${tabId ?? ''}`, width: 520, height: 440 });
    if (created.id !== undefined) this.open.set(tabId, created.id);
  }

  /** A window was closed. */
  onWindowRemoved(windowId: number): void {
    for (const [tab, id] of this.open) if (id === windowId) this.open.delete(tab);
  }
}
