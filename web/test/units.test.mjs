// The pages' pure parts, bundled for Node: the page data the server sends
// (malformed input gives defaults, never a crash), address and code checks,
// sizes and durations in both languages, progress sums and speed, expiry choices.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { build } from "esbuild";
import { webRoot } from "./browser.mjs";

const source = `
export { parsePageData } from "./src/config";
export { isEmail, normaliseCode } from "./src/validate";
export { bytes, duration } from "./src/ui/format";
export { Rate } from "./src/ui/progress";
export { expiryChoices } from "./src/send/review";
export { Totals } from "./src/send/transmit";
export { explain } from "./src/send/password";
export { setLangForTest } from "./test/units-lang";
`;

async function load() {
  const r = await build({
    stdin: { contents: source, resolveDir: webRoot, loader: "ts" },
    bundle: true,
    format: "esm",
    write: false,
    platform: "neutral",
    define: { KLUIS_SW_URL: '"/assets/sw.js"' },
    // The engine and the server calls are not needed here: the fixtures stand in.
    plugins: [
      {
        name: "fixtures",
        setup(b) {
          b.onResolve({ filter: /\/(engine|server)$/ }, (args) => ({ path: join(webRoot, "test", "fixture", `${args.path.split("/").pop()}.ts`) }));
        },
      },
    ],
  });
  return import(`data:text/javascript;base64,${Buffer.from(r.outputFiles[0].text).toString("base64")}`);
}

// The fixture engine reads location.search when it loads.
globalThis.location = new URL("http://localhost/");
globalThis.document = { documentElement: { lang: "nl" } };
const m = await load();

test("page data: malformed input gives defaults; bad values are refused", () => {
  const d = m.parsePageData("not json");
  assert.equal(d.limits.maxRecipients, 50);
  assert.equal(d.transfer, null);
  const e = m.parsePageData(JSON.stringify({ site: { name: "X", logo: "https://evil.example/logo.png" }, limits: { maxExpiryDays: 3, defaultExpiryDays: 9, maxRecipients: -1 }, transfer: { state: "weird", recipients: ["a@b.nl", 5] } }));
  assert.equal(e.site.logo, null, "only a same-origin path is a logo");
  assert.equal(e.limits.defaultExpiryDays, 3, "the default never exceeds the maximum");
  assert.equal(e.limits.maxRecipients, 50);
  assert.equal(e.transfer.state, "not_found");
  assert.deepEqual(e.transfer.recipients, ["a@b.nl"]);
});

test("addresses and codes", () => {
  for (const ok of ["a@b.nl", "p.jansen+kluis@gemeente.example.org"]) assert.ok(m.isEmail(ok), ok);
  for (const bad of ["", "a", "a@b", "a b@c.nl", "a@b.c", "<a@b.nl>", `${"a".repeat(250)}@b.nl`]) assert.ok(!m.isEmail(bad), bad);
  assert.equal(m.normaliseCode(" 1234 5678 "), "12345678");
  assert.equal(m.normaliseCode("1234-5678"), "12345678");
  assert.equal(m.normaliseCode("1234567"), null);
  assert.equal(m.normaliseCode("1234567a"), null);
});

test("sizes and durations in Dutch and English", () => {
  m.setLangForTest("nl");
  assert.equal(m.bytes(1_536_000), "1,5 MB");
  assert.equal(m.bytes(999), "999 B");
  assert.equal(m.duration(90), "2 minuten");
  assert.equal(m.duration(1), "1 seconde");
  m.setLangForTest("en");
  assert.equal(m.bytes(1_536_000), "1.5 MB");
  assert.equal(m.bytes(10 * 1024 ** 3), "10.7 GB");
  assert.equal(m.duration(7200), "2 hours");
});

test("progress: per-file reports summed per phase, the upload shown once it began; speed over a window", () => {
  const totals = new m.Totals(300);
  totals.add({ phase: "sealing", file: 0, done: 100, total: 100 });
  assert.deepEqual(totals.add({ phase: "sealing", file: 1, done: 50, total: 200 }), { done: 150, total: 300 });
  assert.deepEqual(totals.add({ phase: "uploading", file: 0, done: 10, total: 120 }), { done: 10, total: 300 }, "the other phase counts apart");
  const shown = new m.Totals(300);
  assert.deepEqual(shown.shown({ phase: "sealing", file: 0, done: 40, total: 100 }), { phase: "sealing", done: 40, total: 300 });
  assert.deepEqual(shown.shown({ phase: "uploading", file: 0, done: 8, total: 120 }), { phase: "uploading", done: 8, total: 300 });
  assert.equal(shown.shown({ phase: "sealing", file: 0, done: 60, total: 100 }), null, "the interleaved sealing reports no longer move the display");
  assert.deepEqual(shown.shown({ phase: "uploading", file: 0, done: 16, total: 120 }), { phase: "uploading", done: 16, total: 300 });
  const rate = new m.Rate(5000);
  assert.equal(rate.add(0, 0), null);
  assert.equal(rate.add(1000, 500), null, "no speed before a second has passed");
  assert.equal(rate.add(4000, 2000), 2000);
});

test("expiry choices stay within the server's maximum", () => {
  assert.deepEqual(m.expiryChoices(30, 7), [1, 3, 7, 14, 30]);
  assert.deepEqual(m.expiryChoices(10, 5), [1, 3, 5, 7, 10]);
  assert.deepEqual(m.expiryChoices(1, 1), [1]);
});

test("the strength meter explains in words", () => {
  m.setLangForTest("nl");
  assert.equal(m.explain("", null), "Typ een wachtwoord. Hier ziet u dan hoe sterk het is.");
  assert.match(m.explain("kort", { score: 0, acceptable: false, chars: 4 }), /4 tekens.*minstens 10/);
  assert.match(m.explain("wachtwoord12", { score: 1, acceptable: false, chars: 12 }), /te makkelijk te raden/);
  assert.equal(m.explain("Tulpen fietsen langs de Amstel", { score: 4, acceptable: true, chars: 30 }), "Dit wachtwoord is sterk genoeg.");
});
