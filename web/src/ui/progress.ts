/**
 * A progress display: a <progress> bar with its words (bytes done of all,
 * speed, time left), the speed averaged over the last seconds.
 */
import { t, type Key } from "../i18n";
import { h } from "./dom";
import { bytes, duration } from "./format";

/** Speed and time left from a sliding window of (time, bytes) samples. */
export class Rate {
  private samples: { at: number; done: number }[] = [];
  constructor(private readonly windowMs = 5000) {}

  /** Adds a sample; returns bytes per second (null until two seconds apart). */
  add(done: number, at: number = performance.now()): number | null {
    this.samples.push({ at, done });
    while (this.samples.length > 2 && at - this.samples[1]!.at > this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const elapsed = (at - first.at) / 1000;
    if (elapsed < 1) return null;
    return Math.max(0, (done - first.done) / elapsed);
  }
}

export interface ProgressView {
  element: HTMLElement;
  update(phase: Key, done: number, total: number): void;
  /** Shows (or hides) the note that the connection seems gone. */
  stalled(on: boolean): void;
}

/** A progress display labelled by `label` (an element id's text). */
export function progressView(id: string): ProgressView {
  const bar = h("progress", { id: `${id}-bar`, max: 100, value: 0, "aria-labelledby": `${id}-phase` });
  const phaseText = h("span", { id: `${id}-phase`, class: "kluis-progress__phase" });
  const amount = h("span", { class: "kluis-progress__amount" });
  const speedText = h("span", { class: "kluis-progress__speed" });
  const stallNote = h("p", { class: "utrecht-paragraph kluis-progress__stalled", hidden: true }, t("progress.retrying"));
  const element = h(
    "div",
    { class: "kluis-progress", id },
    h("p", { class: "utrecht-paragraph" }, phaseText),
    bar,
    h("p", { class: "utrecht-paragraph kluis-progress__figures" }, amount, " · ", speedText),
    stallNote,
  );
  let rate = new Rate();
  let lastPhase: Key | null = null;
  return {
    element,
    update(phase, done, total) {
      if (phase !== lastPhase) {
        rate = new Rate();
        lastPhase = phase;
        phaseText.textContent = t(phase);
      }
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      bar.value = Math.round(fraction * 100);
      bar.setAttribute("aria-valuetext", t("progress.amount", { done: bytes(done), total: bytes(total) }));
      amount.textContent = t("progress.amount", { done: bytes(done), total: bytes(total) });
      const speed = rate.add(done);
      if (speed === null || speed === 0) {
        speedText.textContent = t("progress.leftUnknown");
      } else {
        speedText.textContent = `${t("progress.speed", { speed: bytes(speed) })}, ${t("progress.left", { time: duration((total - done) / speed) })}`;
      }
    },
    stalled(on) {
      stallNote.hidden = !on;
    },
  };
}
