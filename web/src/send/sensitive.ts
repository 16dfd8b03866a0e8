/**
 * The note of the files-and-message step about sensitive information
 * (docs/DETECT.md): the message and each added file are checked on this
 * device by the engine's detector, one at a time with the page getting a
 * turn in between, so it stays responsive; a file over MAX_SCAN_BYTES is
 * not checked, and the note says so. The note names what was found (the
 * kind and why it matters, never the text or the number) and that Kluis
 * protects it; nothing else about sending changes. It is a polite status
 * region that stays in place across renders, so screen readers hear each
 * change once.
 */
import { scanFile, scanText, type Sensitive } from "../engine";
import { allCatalogs, lang, t, type Key } from "../i18n";
import { h } from "../ui/dom";
import { bytes } from "../ui/format";
import { p } from "../ui/form";
import type { Draft } from "./model";

/** Larger files are not checked (reading one would hold up the page too long). */
export const MAX_SCAN_BYTES = 10_000_000;
/** The message is checked after a pause in typing this long. */
const TYPING_PAUSE_MS = 400;

type Checked = { found: Sensitive[] } | "skipped";

/** Files checked once: the same File object is never read again. */
const checkedFiles = new WeakMap<File, Checked>();

async function checkFile(file: File): Promise<Checked> {
  if (file.size > MAX_SCAN_BYTES) return "skipped";
  try {
    return { found: await scanFile(file) };
  } catch {
    // A file the detector cannot read (an image, a damaged document):
    // nothing to say about it.
    return { found: [] };
  }
}

/** Lets the page handle input and paint before the next check. */
function pageTurn(): Promise<void> {
  return new Promise((resolve) => window.setTimeout(resolve, 0));
}

/** What the note says about one finding: the page's words for its kind, else the detector's reason. */
function describe(s: Sensitive): string {
  const key = `sensitive.kind.${s.kind}`;
  if (key in allCatalogs.nl) return t(key as Key);
  return lang() === "nl" ? s.reasonNl : s.reason;
}

function kinds(found: Sensitive[]): Sensitive[] {
  const seen = new Set<string>();
  return found.filter((s) => !seen.has(s.kind) && seen.add(s.kind));
}

/** The check of one draft's message and files, and its note. */
export class SensitiveCheck {
  /** The note: empty until something is found or a file is skipped. */
  readonly note: HTMLElement = h("div", { id: "sensitive-note", role: "status", class: "kluis-sensitive" });
  private message: { text: string; found: Sensitive[] } = { text: "", found: [] };
  private timer = 0;
  private running = false;
  private again = false;
  private shown = "";

  constructor(private readonly draft: Draft) {}

  /** The message was edited: checked again after a pause in typing. */
  messageChanged(): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.run(), TYPING_PAUSE_MS);
  }

  /** Files were added or removed, or the step is shown: checks what is new and redraws. */
  update(): void {
    this.draw();
    void this.run();
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        const text = this.draft.message;
        if (text !== this.message.text) {
          let found: Sensitive[] = [];
          try {
            found = text.trim() ? await scanText(text) : [];
          } catch {
            found = [];
          }
          this.message = { text, found };
          this.draw();
          await pageTurn();
        }
        for (const file of [...this.draft.files]) {
          if (checkedFiles.has(file)) continue;
          checkedFiles.set(file, await checkFile(file));
          this.draw();
          await pageTurn();
        }
      } while (this.again);
    } finally {
      this.running = false;
    }
  }

  /** Fills the note from what is known now (in the page's language). */
  draw(): void {
    const items: string[] = [];
    if (this.message.text === this.draft.message) {
      for (const s of kinds(this.message.found)) items.push(t("sensitive.inMessage", { what: describe(s) }));
    }
    const skipped: string[] = [];
    for (const file of this.draft.files) {
      const checked = checkedFiles.get(file);
      if (checked === "skipped") skipped.push(file.name);
      else if (checked) for (const s of kinds(checked.found)) items.push(t("sensitive.inFile", { name: file.name, what: describe(s) }));
    }
    const signature = JSON.stringify([lang(), items, skipped]);
    if (signature === this.shown) return;
    this.shown = signature;
    if (items.length === 0 && skipped.length === 0) {
      this.note.replaceChildren();
      return;
    }
    this.note.replaceChildren(
      h(
        "div",
        { class: "utrecht-alert utrecht-alert--info kluis-sensitive__box" },
        items.length ? p(h("strong", {}, t("sensitive.title"))) : null,
        items.length ? h("ul", { class: "utrecht-unordered-list" }, ...items.map((text) => h("li", { class: "utrecht-unordered-list__item" }, text))) : null,
        items.length ? p(t("sensitive.protected")) : null,
        skipped.length ? p(t("sensitive.skipped", { max: bytes(MAX_SCAN_BYTES), names: skipped.join(", ") })) : null,
      ),
    );
  }
}
