// The pages' states reached honestly on the real kluis-server, in both
// languages: a wrong password (flow.test.mjs), expired (a transfer sent by
// `kluis send --server --expires 2s`), withdrawn (the sender's own
// "Withdraw" on the done page), download limit reached (a limit of 1 set on
// the send page, then one `kluis receive`), an unknown link; a transfer
// sent by `kluis send --server` opened and saved in the browser; and at the
// API, that a reply token cannot reach anyone but the transfer's sender.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as engine from "kluis";
import { assertClean, launch, open } from "../browser.mjs";
import { bigFile, kluis, kluisVerify, rm, startServer, workDir } from "./harness.mjs";
import { WORDS, composeInBrowser, heading, opfsFiles, opfsPickers, sendAndWait, step } from "./pages.mjs";

let work;
let server;
let browser;
before(async () => {
  work = await workDir("states");
  server = await startServer(join(work, "server"));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const TITLES = {
  nl: { expired: "Deze link is verlopen", withdrawn: "De afzender heeft deze bestanden ingetrokken", limit: "De bestanden zijn al te vaak geopend", notfound: "Deze link werkt niet" },
  en: { expired: "This link has expired", withdrawn: "The sender has withdrawn these files", limit: "These files have been opened too many times", notfound: "This link does not work" },
};

/** Opens `link` in a fresh context and checks the state page `state`. */
async function statePage(lang, link, state) {
  const { context, page, errors } = await open(browser, { lang });
  await page.goto(link);
  await heading(page, TITLES[lang][state]).catch(async (e) => {
    throw new Error(`${state}: the page shows "${await page.textContent("main h1").catch(() => "")}" (${e.message})`);
  });
  assert.equal(await page.$("#password"), null, "no password field on a state page");
  await step(page, `${lang}-state-${state}`);
  assertClean(errors, `state ${state} (${lang})`);
  await context.close();
}

for (const lang of ["nl", "en"]) {
  const w = WORDS[lang];

  test(`expired, withdrawn, limit reached, unknown; a CLI transfer opened in the browser (${lang})`, async () => {
    const home = join(work, `home-${lang}`);
    const cliFrom = `cli-${lang}@gemeente.example`;
    await kluisVerify(server, cliFrom, home);
    const doc = join(home, "verslag.pdf");
    const docSha = await bigFile(doc, 2_500_000, 3);
    await writeFile(join(home, "pw"), "paard-batterij-nietje-correct-wolk-7");
    const cliSend = async (extra) =>
      JSON.parse(
        await kluis(
          ["send", "-q", "--json", "--server", server.url, "--from", cliFrom, "--to", `burger-${lang}@example.org`, "--subject", "Verslag", "--message", "Zie bijlage.",
            "--password-file", join(home, "pw"), "--language", lang, ...extra, doc],
          home,
        ),
      );
    // Expires in two seconds: its page is looked at last.
    const shortLived = await cliSend(["--expires", "2s"]);
    const sentAt = Date.now();

    // `kluis send --server`, opened and saved in the browser (File System Access path).
    const cliSent = await cliSend(["--expires", "1d"]);
    const r = await open(browser, { lang });
    await opfsPickers(r.context);
    await r.page.goto(cliSent.link);
    await r.page.fill("#password", "paard-batterij-nietje-correct-wolk-7");
    await r.page.keyboard.press("Enter");
    await r.page.waitForSelector("#save-all", { timeout: 30_000 });
    assert.match(await r.page.textContent("main"), new RegExp(cliFrom.replace(".", "\\.")));
    await step(r.page, `${lang}-receive-05-from-cli`);
    await r.page.click("#save-0");
    await r.page.waitForSelector("#file-status-0.kluis-file-status--done", { timeout: 30_000 });
    assert.deepEqual(await opfsFiles(r.page), { "verslag.pdf": [2_500_000, docSha] });
    assertClean(r.errors, `CLI transfer in the browser (${lang})`);
    await r.context.close();

    // Sent in the browser with a download limit of 1; one `kluis receive` uses it up.
    const from = `afzender-states-${lang}@gemeente.example`;
    const s = await open(browser, { lang });
    const file = { name: "besluit.txt", mimeType: "text/plain", buffer: Buffer.from(`Besluit (${lang})\n`) };
    await composeInBrowser(s.page, server, { lang, from, to: [`a-${lang}@example.org`], files: [file], limit: "1", shots: false });
    const limited = await sendAndWait(s.page, { lang });
    await writeFile(join(home, "pw-limited"), limited.password);
    await kluis(["receive", "-q", "--password-file", join(home, "pw-limited"), "-o", join(home, "limited"), limited.link], home);
    await statePage(lang, limited.link, "limit");

    // "Send something else" (the verification is remembered), then withdraw it.
    await s.page.click("#another");
    await composeInBrowser(s.page, server, { lang, from, to: [`b-${lang}@example.org`], files: [file], remembered: true, shots: true, prefix: "send" });
    const withdrawn = await sendAndWait(s.page, { lang });
    await s.page.click("#withdraw");
    await s.page.waitForSelector("#confirm-withdraw");
    await step(s.page, `${lang}-send-10-withdraw`);
    await s.page.click("#confirm-withdraw");
    await heading(s.page, w.withdrawn);
    await step(s.page, `${lang}-send-11-withdrawn`);
    await statePage(lang, withdrawn.link, "withdrawn");
    assertClean(s.errors, `sender (${lang})`);
    await s.context.close();

    await statePage(lang, `${server.url}/t/${"a".repeat(26)}`, "notfound");
    await new Promise((ok) => setTimeout(ok, Math.max(0, sentAt + 2500 - Date.now())));
    await statePage(lang, shortLived.link, "expired");
  });
}

test("a reply token reaches the transfer's sender and no one else; replies per transfer are limited", async () => {
  const home = join(work, "home-reply");
  const from = "ambtenaar@gemeente.example";
  await kluisVerify(server, from, home);
  await writeFile(join(home, "note.txt"), "x");
  await writeFile(join(home, "pw"), "paard-batterij-nietje-correct-wolk-7");
  const sent = JSON.parse(
    await kluis(["send", "-q", "--json", "--server", server.url, "--from", from, "--to", "burger@example.org", "--password-file", join(home, "pw"), join(home, "note.txt")], home),
  );
  const grant = async (address) =>
    fetch(`${server.url}/api/v1/transfers/${sent.id}/reply`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ address }) });
  const first = await grant("burger@example.org");
  assert.equal(first.status, 200);
  const g = await first.json();
  assert.deepEqual([g.sender, g.to], ["burger@example.org", from]);
  const reply = (to, sender = g.sender) =>
    engine.sendTransfer(new engine.HttpTransport(server.url, { token: g.token }), {
      from: sender,
      to,
      files: [new File([new Uint8Array([1, 2, 3])], "a.bin")],
      password: engine.generatePassword(),
      expiresIn: 3600,
    });
  const refused = (e) => e instanceof engine.KluisError && /403|forbidden/i.test(`${e.reason} ${e.message}`);
  await assert.rejects(reply(["iemand.anders@example.org"]), refused, "a reply to another address is refused");
  await assert.rejects(reply([from, "iemand.anders@example.org"]), refused, "a reply with an extra recipient is refused");
  await assert.rejects(reply([from], "ambtenaar@gemeente.example"), refused, "a reply in another sender's name is refused");
  // The same token, addressed as granted, works (so the refusals were the address).
  const ok = await reply([from]);
  assert.match(ok.link, /\/t\/[a-z2-7]{26}$/);
  // The token is spent on that reply: a second one is refused.
  await assert.rejects(reply([from]), refused, "one reply per token");
  // At most replies.per_transfer (3) tokens per transfer.
  assert.equal((await grant("b@example.org")).status, 200);
  assert.equal((await grant("c@example.org")).status, 200);
  assert.equal((await grant("d@example.org")).status, 403, "the fourth reply token is refused");
  // The sender's mailbox got the one reply; nobody else got a notice.
  assert.equal((await server.mailsTo("iemand.anders@example.org")).length, 0);
  assert.ok((await server.mailsTo(from)).some((m) => m.text.includes(ok.link)));
});
