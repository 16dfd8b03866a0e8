// The whole journey on the real kluis-server (SQLite, folder store, mail
// in a maildir) with the real engine in Debian's Chromium, in both
// languages: a sender verifies by the code from the mail and sends two
// files and a message; the recipient opens the mailed link in a second
// browser context, types the password and saves both files, which are
// identical (SHA-256); the recipient replies securely with a file, and the
// sender, mailed the reply's link, opens it in the browser and with
// `kluis receive`. In Dutch one file is 300 MB (generated on disk) and the
// server is killed mid-upload and restarted on the same database and
// folder: the page resumes by itself.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { assertClean, launch, open } from "../browser.mjs";
import { bigFile, kluis, rm, sha256, sha256File, startServer, workDir } from "./harness.mjs";
import { WORDS, composeInBrowser, heading, opfsFiles, opfsPickers, sendAndWait, shownPassword, step, submit, withoutPickers } from "./pages.mjs";

const BIG = Number(process.env.KLUIS_E2E_BIG_BYTES ?? 300_000_000);

let work;
let server;
let browser;
before(async () => {
  work = await workDir("flow");
  server = await startServer(join(work, "server"));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Waits until the send page is uploading and `percent` of it is done. */
async function uploadingPast(page, lang, percent) {
  const word = lang === "nl" ? "Versturen" : "Sending";
  await page.waitForFunction(
    ([w, p]) => document.getElementById("send-progress-phase")?.textContent === w && Number(document.getElementById("send-progress-bar")?.value ?? 0) >= p,
    [word, percent],
    { timeout: 120_000, polling: 50 },
  );
}

for (const lang of ["nl", "en"]) {
  const w = WORDS[lang];
  const big = lang === "nl";

  test(`send, receive and reply in the browser on the real server (${lang}${big ? `, ${BIG} bytes, server restarted mid-upload` : ""})`, async () => {
    const from = `sender-${lang}@gemeente.example`;
    const to = [`ontvanger-${lang}@example.org`, `tweede-${lang}@example.org`];
    const replier = `burger-${lang}@example.org`;
    // The files, on disk: the browser reads them from there.
    const files = join(work, `files-${lang}`);
    const first = join(files, big ? "bouwtekening.bin" : "paspoort scan.pdf");
    const firstSize = big ? BIG : 24_000_000;
    const firstSha = await bigFile(first, firstSize, big ? 7 : 8);
    const second = join(files, "brief.txt");
    const secondBytes = Buffer.from(`Geachte heer, mevrouw,\nHierbij de stukken (${lang}).\n`);
    await writeFile(second, secondBytes);
    const message = lang === "nl" ? "Hierbij de stukken voor uw aanvraag.\nMet vriendelijke groet" : "Here are the documents for your application.\nKind regards";

    // The sender.
    const s = await open(browser, { lang });
    await composeInBrowser(s.page, server, { lang, from, to, files: [first, second], subject: "Aanvraag omgevingsvergunning", message });
    let sent;
    if (big) {
      await s.page.click("#send");
      await uploadingPast(s.page, lang, 10);
      await step(s.page, `${lang}-send-08-progress`);
      // The server dies mid-upload and comes back on the same database and folder.
      await server.kill();
      await s.page.waitForTimeout(1500);
      await server.restart();
      await heading(s.page, w.done, 240_000);
      sent = { link: (await s.page.textContent("#link")).trim(), password: await shownPassword(s.page, "done-password") };
      await step(s.page, `${lang}-send-09-done`);
    } else {
      await s.page.click("#send");
      await s.page.waitForFunction(() => Number(document.getElementById("send-progress-bar")?.value ?? 0) >= 3, null, { timeout: 60_000, polling: 50 });
      await step(s.page, `${lang}-send-08-progress`);
      sent = await sendAndWait(s.page, { lang, shotName: `${lang}-send-09-done`, click: false });
    }
    assert.match(sent.link, /^http:\/\/127\.0\.0\.1:\d+\/t\/[a-z2-7]{26}$/);
    // Each recipient is mailed the link; the password is in no mail.
    for (const r of to) {
      assert.equal(await server.link(r), sent.link, `the notice to ${r} carries the link`);
      for (const m of await server.mailsTo(r)) assert.ok(!m.raw.includes(sent.password), "no mail carries the password");
    }

    // The recipient, in a second context: the link from the mail.
    const r = await open(browser, { lang });
    if (big) await withoutPickers(r.context); // the service worker's download: streamed to disk
    else await opfsPickers(r.context); // the File System Access path, into the origin-private folder
    await r.page.goto(await server.link(to[0]));
    await r.page.waitForSelector("#password");
    await step(r.page, `${lang}-receive-01-landing`);
    await r.page.fill("#password", "dit-is-niet-het-wachtwoord");
    await r.page.keyboard.press("Enter");
    await r.page.waitForSelector("#password-error", { timeout: 30_000 });
    assert.equal(await r.page.inputValue("#password"), "", "a wrong password is cleared");
    await step(r.page, `${lang}-receive-02-wrong-password`);
    await r.page.fill("#password", sent.password);
    await r.page.keyboard.press("Enter");
    await r.page.waitForSelector("#save-all", { timeout: 30_000 });
    assert.equal((await r.page.textContent("#message")).trim(), message);
    await step(r.page, `${lang}-receive-03-unlocked`);
    if (big) {
      const downloads = [];
      r.page.on("download", (d) => downloads.push(d));
      await r.page.click("#save-all");
      await r.page.waitForSelector("#file-status-0.kluis-file-status--done", { timeout: 240_000 });
      await r.page.waitForSelector("#file-status-1.kluis-file-status--done", { timeout: 60_000 });
      assert.equal(downloads.length, 2, "one download per file");
      const byName = Object.fromEntries(downloads.map((d) => [d.suggestedFilename(), d]));
      assert.deepEqual(Object.keys(byName).sort(), [basename(first), basename(second)].sort());
      assert.equal(await sha256File(await byName[basename(first)].path()), firstSha, "the 300 MB file is identical");
      assert.equal(await sha256File(await byName[basename(second)].path()), sha256(secondBytes));
    } else {
      await r.page.click("#save-all");
      await r.page.waitForSelector("#file-status-0.kluis-file-status--done", { timeout: 60_000 });
      await r.page.waitForSelector("#file-status-1.kluis-file-status--done", { timeout: 60_000 });
      assert.deepEqual(await opfsFiles(r.page), { [basename(first)]: [firstSize, firstSha], [basename(second)]: [secondBytes.length, sha256(secondBytes)] });
    }
    await step(r.page, `${lang}-receive-04-saved`);

    // A transfer sent in the browser, received by `kluis receive`.
    if (!big) {
      const home = join(work, `cli-${lang}`);
      await writeFile(join(work, `pw-${lang}`), sent.password);
      const shown = JSON.parse(await kluis(["receive", "-q", "--json", "--password-file", join(work, `pw-${lang}`), "-o", join(home, "out"), sent.link], work));
      assert.equal(shown.from, from);
      assert.equal(shown.message, message);
      assert.equal(await sha256File(join(home, "out", basename(first))), firstSha);
      assert.equal(await sha256File(join(home, "out", "brief.txt")), sha256(secondBytes));
    }

    // Reply securely: to the sender only, with a file.
    await r.page.click("#reply");
    await heading(r.page, w.reply);
    await step(r.page, `${lang}-reply-01-address`);
    await r.page.fill("#reply-address", replier);
    await submit(r.page);
    await r.page.waitForSelector("#files");
    const answer = join(files, "formulier getekend.txt");
    const answerBytes = Buffer.from(`Ondertekend formulier van ${replier}\n`);
    await writeFile(answer, answerBytes);
    await r.page.setInputFiles("#files", answer);
    await r.page.fill("#message", "Hierbij het ondertekende formulier.");
    await step(r.page, `${lang}-reply-02-files`);
    await submit(r.page);
    await heading(r.page, w.password);
    await submit(r.page);
    await heading(r.page, w.check);
    await step(r.page, `${lang}-reply-03-check`);
    await r.page.click("#send");
    await heading(r.page, w.replyDone, 60_000);
    const replyLink = (await r.page.textContent("#link")).trim();
    const replyPassword = await shownPassword(r.page, "done-password");
    await step(r.page, `${lang}-reply-04-done`);

    // The sender is mailed the reply's link (besides the code and the
    // first-download notice of the transfer) and opens it in the browser...
    const mailed = (await server.mailsTo(from)).map((m) => m.text.match(/https?:\/\/127\.0\.0\.1:\d+\/t\/[a-z2-7]{26}/)?.[0]).filter(Boolean);
    assert.deepEqual(mailed.filter((l) => l !== sent.link), [replyLink], "the sender is mailed the reply's link");
    const back = await open(browser, { lang });
    await opfsPickers(back.context);
    await back.page.goto(replyLink);
    await back.page.waitForSelector("#password");
    assert.match(await back.page.textContent("main"), new RegExp(replier.replace(".", "\\.")), "the reply shows who sent it");
    await back.page.fill("#password", replyPassword);
    await back.page.keyboard.press("Enter");
    await back.page.waitForSelector("#save-all", { timeout: 30_000 });
    await step(back.page, `${lang}-reply-05-opened`);
    await back.page.click("#save-0");
    await back.page.waitForSelector("#file-status-0.kluis-file-status--done", { timeout: 30_000 });
    assert.deepEqual(await opfsFiles(back.page), { [basename(answer)]: [answerBytes.length, sha256(answerBytes)] });
    // ...and with `kluis receive`.
    await writeFile(join(work, `reply-pw-${lang}`), replyPassword);
    const out = join(work, `reply-out-${lang}`);
    const shown = JSON.parse(await kluis(["receive", "-q", "--json", "--password-file", join(work, `reply-pw-${lang}`), "-o", out, replyLink], work));
    assert.equal(shown.from, replier);
    assert.deepEqual(shown.to, [from], "the reply's one recipient is the sender");
    assert.equal(await sha256File(join(out, basename(answer))), sha256(answerBytes));

    // The request cut by the kill and those refused while the server is down are logged; the page retried them.
    // The restart cuts an upload request: besides the refused connections,
    // a repeat of the cut request at its old offset meets the pieces the
    // server had stored of it and gets 409 with the stored length, from
    // which the upload continues (the files above arrived whole).
    assertClean(s.errors.filter((e) => !(big && /ERR_CONNECTION_(REFUSED|RESET)|ERR_EMPTY_RESPONSE|status of 409 \(Conflict\)/.test(e))), `sender (${lang})`);
    assertClean(r.errors.filter((e) => !/Failed to load resource/.test(e)), `recipient (${lang})`);
    assertClean(back.errors, `reply opened (${lang})`);
    for (const c of [s, r, back]) await c.context.close();
  });
}
