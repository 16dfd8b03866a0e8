/** Sending with progress, then the done page (link and password once, withdraw), and withdrawing. */
import { send, type Progress, type Sent } from "../engine";
import { t, type Key } from "../i18n";
import { ServerError, withdraw } from "../server";
import { forgetSender } from "../storage";
import { announce, go, refresh, reset } from "../ui/app";
import { h } from "../ui/dom";
import { actions, button, h1, p } from "../ui/form";
import { dateTime } from "../ui/format";
import { progressView } from "../ui/progress";
import type { Flow } from "./flow";
import { newDraft, password } from "./model";
import { copyButton, groupedPassword } from "./password";
import { addressStep } from "./verify";

const PHASE_WORDS: Record<Progress["phase"], Key> = { sealing: "progress.sealing", uploading: "progress.uploading", downloading: "progress.downloading" };

/**
 * Sums per-file progress into one figure per phase. The send seals and
 * uploads at once, so their reports interleave; once the upload has begun
 * only its figure is shown (it trails the sealing by a few MiB and is what
 * reached the server), so that the words, the bar and the speed do not
 * jump between the two phases.
 */
export class Totals {
  private perFile = new Map<string, { done: number; total: number }>();
  private uploading = false;
  constructor(private readonly plainTotal: number) {}

  /** The figure to show after `e`: `null` when the display stays as it is. */
  shown(e: Progress): { phase: Progress["phase"]; done: number; total: number } | null {
    const sum = this.add(e);
    if (e.phase === "uploading") this.uploading = true;
    else if (this.uploading && e.phase === "sealing") return null;
    return { phase: e.phase, ...sum };
  }

  add(e: Progress): { done: number; total: number } {
    this.perFile.set(`${e.phase}:${e.file ?? "list"}`, { done: e.done, total: e.total });
    let done = 0;
    let total = 0;
    for (const [key, v] of this.perFile) {
      if (!key.startsWith(`${e.phase}:`)) continue;
      done += v.done;
      total += v.total;
    }
    return { done, total: Math.max(total, this.plainTotal) };
  }
}

type Outcome = { kind: "running" } | { kind: "failed"; message: string } | { kind: "stopped" };

export function sendingStep(flow: Flow): () => { title: string; body: Node[] } {
  const d = flow.draft;
  const view = progressView("send-progress");
  let outcome: Outcome = { kind: "running" };
  const controller = new AbortController();
  let lastEvent = performance.now();
  const totals = new Totals(d.files.reduce((s, f) => s + f.size, 0));
  const watch = window.setInterval(() => view.stalled(!navigator.onLine || performance.now() - lastEvent > 15_000), 2_000);
  // Leaving the page would stop the send: the browser asks first.
  const guard = (e: BeforeUnloadEvent): void => e.preventDefault();
  window.addEventListener("beforeunload", guard);

  const run = async (): Promise<void> => {
    try {
      const sent = await send(
        {
          server: location.origin,
          token: d.token,
          from: d.from,
          to: d.recipients,
          subject: d.subject,
          message: d.message,
          files: d.files,
          password: password(d),
          expiresInSeconds: d.expiryDays * 86_400,
          downloadLimit: d.downloadLimit,
          language: d.mailLanguage,
        },
        (e) => {
          lastEvent = performance.now();
          view.stalled(false);
          const shown = totals.shown(e);
          if (shown) view.update(PHASE_WORDS[shown.phase], shown.done, shown.total);
        },
        controller.signal,
      );
      reset(doneStep(flow, sent));
    } catch (e) {
      const kind = (e as { kind?: string }).kind;
      const message = String((e as Error).message ?? "");
      if (kind === "Aborted") outcome = { kind: "stopped" };
      else if (/\b401\b|unauthori[sz]ed/i.test(message)) {
        forgetSender();
        outcome = { kind: "failed", message: t("sending.expiredToken") };
      } else if (/\b413\b|too_large/i.test(message)) outcome = { kind: "failed", message: t("sending.tooLarge") };
      else outcome = { kind: "failed", message: t("sending.failedText") };
      refresh();
    } finally {
      window.clearInterval(watch);
      window.removeEventListener("beforeunload", guard);
    }
  };
  void run();

  return () => {
    if (outcome.kind === "running") {
      view.element.querySelector(".kluis-progress__stalled")!.textContent = t("progress.retrying");
      return {
        title: t("sending.title"),
        body: [h1(t("sending.title")), p(t("sending.keepOpen")), view.element, actions(button(t("sending.stop"), () => controller.abort(), { id: "stop" }))],
      };
    }
    const title = outcome.kind === "stopped" ? t("sending.stopped") : t("sending.failed");
    const text = outcome.kind === "failed" ? outcome.message : "";
    const verifyAgain = text === t("sending.expiredToken");
    return {
      title,
      body: [
        h("div", { class: "utrecht-alert utrecht-alert--error", role: "alert" }, h1(title), text ? p(text) : null),
        actions(
          verifyAgain
            ? button(t("verify.submit"), () => reset(addressStep(flow)), { kind: "primary" })
            : button(t("common.retry"), () => go(sendingStep(flow)), { kind: "primary", id: "retry" }),
          button(t("common.back"), () => history.back(), { kind: "subtle" }),
        ),
      ],
    };
  };
}

export function doneStep(flow: Flow, sent: Sent): () => { title: string; body: Node[] } {
  const d = flow.draft;
  const secret = password(d);
  const reply = d.kind === "reply";
  return () => ({
    title: reply ? t("reply.doneTitle") : t("done.title"),
    body: [
      h("div", { class: "utrecht-alert utrecht-alert--ok kluis-done" }, h1(reply ? t("reply.doneTitle") : t("done.title"))),
      reply ? p(t("reply.doneText", { address: d.recipients[0] ?? "" })) : p(t("done.mailed")),
      h("p", { class: "utrecht-paragraph kluis-link", id: "link" }, sent.link),
      actions(copyButton(t("done.copyLink"), () => sent.link, "done.linkCopied", "copy-link")),
      h("h2", { class: "utrecht-heading-2" }, t("done.password")),
      groupedPassword(secret, "done-password"),
      h("div", { class: "utrecht-alert utrecht-alert--warning" }, p(h("strong", {}, t("done.once"))), p(t("password.advice"))),
      actions(copyButton(t("password.copy"), () => secret, "password.copied", "copy-done-password")),
      h("h2", { class: "utrecht-heading-2" }, t("done.next")),
      p(t("done.nextText", { date: dateTime(new Date(sent.expiresAt * 1000)) })),
      h("h2", { class: "utrecht-heading-2" }, t("done.withdrawTitle")),
      p(t("done.withdrawText")),
      actions(
        button(t("done.withdraw"), () => go(withdrawStep(flow, sent)), { id: "withdraw" }),
        reply
          ? null
          : button(
              t("done.another"),
              () => {
                const next = newDraft(flow.data);
                Object.assign(next, { from: d.from, token: d.token });
                Object.assign(d, next);
                reset(flow.afterVerify());
              },
              { kind: "subtle", id: "another" },
            ),
      ),
    ],
  });
}

export function withdrawStep(flow: Flow, sent: Sent): () => { title: string; body: Node[] } {
  let error = "";
  let busy = false;
  const confirm = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      await withdraw(sent.id, flow.draft.token);
      reset(() => ({ title: t("withdrawn.title"), body: [h1(t("withdrawn.title")), p(t("withdrawn.text"))] }));
    } catch (e) {
      error = e instanceof ServerError && e.status === 404 ? t("withdrawn.text") : t("withdraw.failed");
      refresh();
      announce(error);
    } finally {
      busy = false;
    }
  };
  return () => ({
    title: t("withdraw.title"),
    body: [
      h1(t("withdraw.title")),
      error ? h("div", { class: "utrecht-alert utrecht-alert--error", role: "alert" }, p(error)) : null,
      p(t("withdraw.text")),
      actions(button(t("withdraw.confirm"), () => void confirm(), { kind: "primary", id: "confirm-withdraw" }), button(t("withdraw.cancel"), () => history.back(), { kind: "subtle" })),
    ].filter((n): n is HTMLElement => n !== null),
  });
}
