// The add-in's manifest as the real server makes it, checked offline (no
// Microsoft service is asked): a kluis-server ($KLUIS_SERVER_BIN) whose
// public_url is https://kluis.example.org serves /outlook/manifest.xml on
// loopback; xml2js (strict) must parse it, Microsoft's own reader
// (office-addin-manifest) must read the id, name and permissions, and the
// tree must hold the required elements, ReadWriteItem, VersionOverrides
// 1.1 with the OnMessageSend launch event in soft-block mode, and only
// https URLs on the server's origin.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { OfficeAddinManifest } from "office-addin-manifest";
import { parseStringPromise } from "xml2js";

import { serverBin } from "../../../bindings/js/test/server.js";

const ORIGIN = "https://kluis.example.org";
let dir;
let child;
let base;

before(async () => {
  const bin = serverBin();
  if (!bin) throw new Error("no kluis-server binary: set KLUIS_SERVER_BIN or cargo build -p kluis-server --profile fast");
  dir = mkdtempSync(join(tmpdir(), "kluis-outlook-manifest-"));
  const config = [
    'listen = "127.0.0.1:0"',
    `public_url = "${ORIGIN}"`,
    "[database]",
    `url = "sqlite://${join(dir, "kluis.db")}"`,
    "[storage]",
    'kind = "fs"',
    `path = "${join(dir, "blobs")}"`,
    "[maildir]",
    `path = "${join(dir, "mails")}"`,
    'from = "kluis@example.org"',
    "",
  ].join("\n");
  writeFileSync(join(dir, "server.toml"), config);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("KLUIS_SERVER_")));
  child = spawn(bin, ["--config", join(dir, "server.toml")], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kluis-server did not start:\n${output}`)), 30_000);
    const seen = (chunk) => {
      output += chunk;
      const m = /listening on (https?:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/^https/, "http"));
      }
    };
    child.stdout.setEncoding("utf8").on("data", seen);
    child.stderr.setEncoding("utf8").on("data", seen);
    child.once("exit", (status) => reject(new Error(`kluis-server exited with ${status}:\n${output}`)));
  });
  child.removeAllListeners("exit");
});

after(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every node of an xml2js tree: [name, node]. */
function* walk(name, node) {
  if (typeof node !== "object" || node === null) return;
  yield [name, node];
  for (const [key, value] of Object.entries(node)) {
    if (key === "$" || key === "_") continue;
    for (const child of Array.isArray(value) ? value : [value]) yield* walk(key, child);
  }
}

test("the manifest is well-formed, complete, and points only at the server over https", async () => {
  const response = await fetch(`${base}/outlook/manifest.xml`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/xml; charset=utf-8");
  const xml = await response.text();

  const tree = await parseStringPromise(xml, { strict: true });
  const app = tree.OfficeApp;
  assert.equal(app.$["xsi:type"], "MailApp");
  for (const required of ["Id", "Version", "ProviderName", "DefaultLocale", "DisplayName", "Description", "IconUrl", "HighResolutionIconUrl", "SupportUrl", "AppDomains", "Hosts", "Requirements", "FormSettings", "Permissions", "Rule", "VersionOverrides"]) {
    assert.ok(app[required], `${required} is missing`);
  }
  assert.deepEqual(app.Permissions, ["ReadWriteItem"]);
  assert.deepEqual(app.AppDomains[0].AppDomain, [ORIGIN]);
  assert.deepEqual(app.Hosts[0].Host.map((h) => h.$.Name), ["Mailbox"]);

  const nodes = [...walk("OfficeApp", app)];
  const v11 = nodes.filter(([n, node]) => n === "VersionOverrides" && node.$?.["xsi:type"] === "VersionOverridesV1_1");
  assert.equal(v11.length, 1);
  const events = [...walk("VersionOverrides", v11[0][1])].filter(([n]) => n === "LaunchEvent").map(([, node]) => ({ ...node.$ }));
  assert.deepEqual(events, [{ Type: "OnMessageSend", FunctionName: "onMessageSendHandler", SendMode: "SoftBlock" }]);
  const buttons = nodes.filter(([n, node]) => n === "Control" && node.$?.id === "kluisSendSecurely");
  assert.equal(buttons.length, 2, "the compose button in VersionOverrides 1.0 and 1.1");
  assert.ok(nodes.some(([n, node]) => n === "Override" && node.$?.type === "javascript"), "classic Outlook's JavaScript file");

  // Every URL: attributes and texts, namespaces aside.
  const urls = [];
  for (const [, node] of nodes) {
    for (const [key, value] of Object.entries(node.$ ?? {})) if (!key.startsWith("xmlns") && /:\/\//.test(value)) urls.push(value);
    for (const value of Object.values(node)) if (Array.isArray(value)) for (const v of value) if (typeof v === "string" && /:\/\//.test(v)) urls.push(v);
  }
  assert.ok(urls.length >= 10, urls.join("\n"));
  for (const url of urls) assert.ok(url === ORIGIN || url.startsWith(`${ORIGIN}/`), url);

  // Microsoft's own reader of add-in manifests.
  const file = join(dir, "manifest.xml");
  writeFileSync(file, xml);
  const info = await OfficeAddinManifest.readManifestFile(file);
  assert.match(info.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(info.permissions, "ReadWriteItem");
  assert.equal(info.defaultLocale, "en-US");
  assert.match(info.displayName, /^Kluis – /);
  assert.equal(info.highResolutionIconUrl, `${ORIGIN}/outlook/icon-128.png`);
  assert.deepEqual(info.hosts, ["Mailbox"]);
});
