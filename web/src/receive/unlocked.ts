/**
 * The unlocked transfer: subject, sender, message, and the files with
 * "Save" each and "Save all". Each file shows its own progress; a file
 * whose check fails is not kept, and its row says so.
 */
import type { PageData, TransferFacts } from "../config";
import type { Opened } from "../engine";
import { t } from "../i18n";
import { SaveError, folderForAll, saveFile, type SaveFailure } from "../save";
import { announce, go } from "../ui/app";
import { h, hidden } from "../ui/dom";
import { actions, button, dataList, h1, p } from "../ui/form";
import { bytes } from "../ui/format";
import { replyStart } from "./reply";

type FileState = { kind: "waiting" } | { kind: "busy"; done: number } | { kind: "done" } | { kind: "failed"; failure: SaveFailure };

const FAILURE_WORDS = { tampered: "save.tampered", cancelled: "save.cancelled", too_large: "save.tooLarge", failed: "save.failed" } as const;

export function unlockedStep(data: PageData, facts: TransferFacts, opened: Opened): () => { title: string; body: Node[] } {
  const states: FileState[] = opened.files.map(() => ({ kind: "waiting" }));
  let saving = 0;

  function statusText(i: number): string {
    const s = states[i]!;
    const size = opened.files[i]!.size;
    switch (s.kind) {
      case "waiting":
        return t("save.waiting");
      case "busy":
        return t("save.busy", { done: bytes(s.done), total: bytes(size) });
      case "done":
        return t("save.done");
      case "failed":
        return t(FAILURE_WORDS[s.failure]);
    }
  }

  function paint(i: number): void {
    const cell = document.getElementById(`file-status-${i}`);
    const bar = document.getElementById(`file-bar-${i}`) as HTMLProgressElement | null;
    const s = states[i]!;
    if (cell) {
      cell.textContent = statusText(i);
      cell.className = `kluis-received__status kluis-file-status kluis-file-status--${s.kind}`;
    }
    if (bar) {
      bar.hidden = s.kind !== "busy";
      const size = opened.files[i]!.size;
      bar.value = s.kind === "busy" && size > 0 ? Math.round((s.done / size) * 100) : 0;
    }
  }

  async function saveOne(i: number, folder: FileSystemDirectoryHandle | null): Promise<void> {
    const f = opened.files[i]!;
    states[i] = { kind: "busy", done: 0 };
    saving += 1;
    paint(i);
    let lastPaint = 0;
    try {
      await saveFile(
        {
          name: f.name,
          size: f.size,
          mediaType: f.mediaType,
          open: () => opened.fileStream(i),
          onBytes: (n) => {
            states[i] = { kind: "busy", done: n };
            const now = performance.now();
            if (now - lastPaint > 250) {
              lastPaint = now;
              paint(i);
            }
          },
        },
        folder,
      );
      states[i] = { kind: "done" };
      announce(t("save.summaryDone", { name: f.name }));
    } catch (e) {
      const failure = e instanceof SaveError ? e.failure : "failed";
      states[i] = { kind: "failed", failure };
      announce(`${t("save.summaryFailed", { name: f.name })} ${t(FAILURE_WORDS[failure])}`);
    } finally {
      saving -= 1;
      paint(i);
    }
  }

  async function saveAll(): Promise<void> {
    let folder: FileSystemDirectoryHandle | null = null;
    try {
      folder = await folderForAll();
    } catch (e) {
      if (e instanceof SaveError && e.failure === "cancelled") return;
    }
    for (let i = 0; i < opened.files.length; i++) {
      if (states[i]!.kind === "done" || states[i]!.kind === "busy") continue;
      await saveOne(i, folder);
    }
  }

  window.addEventListener("beforeunload", (e) => {
    if (saving > 0) e.preventDefault();
  });

  return () => {
    const title = opened.subject || t("unlocked.title");
    const items = opened.files.map((f, i) =>
      h(
        "li",
        { class: "kluis-received__item" },
        h("span", { class: "kluis-received__name", id: `file-name-${i}` }, f.name),
        h("span", { class: "kluis-received__size" }, bytes(f.size)),
        h(
          "span",
          { class: "kluis-received__action" },
          button([t("save.one"), hidden(` ${f.name}`)], () => void saveOne(i, null), { id: `save-${i}` }),
        ),
        h("span", { id: `file-status-${i}`, class: "kluis-received__status kluis-file-status" }, statusText(i)),
        h("progress", { id: `file-bar-${i}`, class: "kluis-received__bar", max: 100, value: 0, hidden: true, "aria-labelledby": `file-name-${i}` }),
      ),
    );
    return {
      title,
      body: [
        h1(title),
        dataList([{ key: t("unlocked.from"), value: opened.sender }]),
        h("h2", { class: "utrecht-heading-2" }, t("unlocked.message")),
        opened.message ? h("p", { class: "utrecht-paragraph kluis-message", id: "message" }, opened.message) : p(t("unlocked.noMessage")),
        h("h2", { class: "utrecht-heading-2", id: "files-heading" }, t("unlocked.files")),
        h("ul", { class: "kluis-received", "aria-labelledby": "files-heading" }, items),
        actions(button(t("save.all"), () => void saveAll(), { kind: "primary", id: "save-all" })),
        p(t("unlocked.keepOpen")),
        facts.replyAllowed ? h("h2", { class: "utrecht-heading-2" }, t("reply.title")) : null,
        facts.replyAllowed ? actions(button(t("reply.link"), () => go(replyStart(data, facts)), { id: "reply" })) : null,
      ].filter((n): n is HTMLElement => n !== null),
    };
  };
}
