// Checks that need no browser: the two catalogs have the same keys and
// placeholders and none of the forbidden words; the built templates carry
// no inline script or style; every file the manifest names exists under a
// content-hashed name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { webRoot } from "./browser.mjs";

async function catalogs() {
  const r = await build({ entryPoints: [join(webRoot, "src", "i18n", "index.ts")], bundle: true, format: "esm", write: false, platform: "neutral" });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(r.outputFiles[0].text).toString("base64")}`);
  return mod.allCatalogs;
}

test("nl and en have the same keys and the same {placeholders}", async () => {
  const { nl, en } = await catalogs();
  assert.deepEqual(Object.keys(en).sort(), Object.keys(nl).sort());
  const holes = (s) => (s.match(/\{\w+\}/g) ?? []).sort();
  for (const key of Object.keys(nl)) assert.deepEqual(holes(en[key]), holes(nl[key]), `placeholders of ${key}`);
});

test("the words: never envelope, slot or Argon2; Dutch says u, not je", async () => {
  const { nl, en } = await catalogs();
  for (const [lang, words] of Object.entries({ nl, en })) {
    for (const [key, text] of Object.entries(words)) {
      assert.doesNotMatch(text, /envelop|\bslot\b|argon/i, `${lang} ${key}`);
    }
  }
  for (const [key, text] of Object.entries(nl)) assert.doesNotMatch(text, /\b(je|jij|jou|jouw)\b/i, `nl ${key}`);
  // The words of docs/web-flows, exactly.
  const pairs = [
    ["site.title", "Bestanden veilig versturen", "Send files securely"],
    ["verify.label", "Uw e-mailadres", "Your email address"],
    ["code.label", "Verificatiecode", "Verification code"],
    ["files.label", "Bestanden toevoegen", "Add files"],
    ["message.label", "Vertrouwelijk bericht", "Confidential message"],
    ["password.title", "Wachtwoord", "Password"],
    ["password.generate", "Maak een wachtwoord voor mij", "Create a password for me"],
    ["password.advice", "Geef het wachtwoord telefonisch of per sms door, nooit per e-mail", "Give the password by phone or text message, never by email"],
    ["options.expiry", "Beschikbaar tot", "Available until"],
    ["check.title", "Controleer uw gegevens", "Check your answers"],
    ["check.submit", "Versleutelen en versturen", "Encrypt and send"],
    ["unlock.submit", "Openen", "Open"],
    ["save.one", "Opslaan", "Save"],
    ["save.all", "Alles opslaan", "Save all"],
    ["reply.link", "Veilig antwoorden", "Reply securely"],
    ["state.expired.title", "Deze link is verlopen", "This link has expired"],
    ["done.withdraw", "Intrekken", "Withdraw"],
  ];
  // A sentence on the page ends with a full stop; the brief's table cells do not.
  const sentence = new Set(["password.advice"]);
  for (const [key, n, e] of pairs) {
    assert.equal(nl[key], sentence.has(key) ? `${n}.` : n, key);
    assert.equal(en[key], sentence.has(key) ? `${e}.` : e, key);
  }
});

for (const dir of ["dist-fixture", "dist"]) {
  test(`${dir}: hashed assets, a manifest, and no inline script or style`, { skip: !existsSync(join(webRoot, dir, "manifest.json")) && `${dir} not built` }, () => {
    const root = join(webRoot, dir);
    const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8"));
    for (const key of ["send.js", "receive.js", "app.css", "sw.js"]) {
      assert.ok(existsSync(join(root, manifest[key])), `${key} → ${manifest[key]}`);
      assert.match(manifest[key], /^assets\/[a-z]+-[A-Za-z0-9_-]{8,}\.(js|css)$/, `${key} has a hashed name`);
    }
    for (const file of manifest.assets) assert.ok(existsSync(join(root, file)), file);
    assert.deepEqual(readdirSync(join(root, "assets")).sort(), manifest.assets.map((f) => f.replace(/^assets\//, "")).sort(), "the manifest lists every asset");
    for (const page of ["send", "receive"]) {
      for (const lang of ["nl", "en"]) {
        const html = readFileSync(join(root, manifest.templates[page][lang]), "utf8");
        assert.match(html, new RegExp(`<html lang="${lang}">`));
        for (const placeholder of ["{{site_name}}", "{{theme_css}}", "{{data}}"]) assert.ok(html.includes(placeholder), placeholder);
        assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=|javascript:/i, "no inline style or handler");
        for (const m of html.matchAll(/<script\b[^>]*>/g)) assert.match(m[0], /\ssrc="\/assets\//, "every script is a file");
        assert.doesNotMatch(html, /https?:\/\//, "no third-party resource");
      }
    }
  });
}
