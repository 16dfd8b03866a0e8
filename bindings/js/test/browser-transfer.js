// The drop server's client in the browser (scripts/browser-test.mjs): the
// page's origin passes /api/ and /t/ to a real kluis-server (a reverse
// proxy, as a deployment that serves pages and API from one origin does),
// so fetch stays same-origin (the server sends no CORS headers).
// /transfer/fixture.json describes a transfer that `kluis send --server`
// sent, and a sender token for the page; /transfer/receive runs
// `kluis receive` on a link and answers each saved file's SHA-256.
import { equal, ok, rejects, toHex } from './check.js';

async function sha256(bytes) {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

async function json(path, init) {
  const r = await fetch(path, init);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}

export function transferTests(test, kluis) {
  const server = location.origin;

  test('openTransfer and fileStream: a transfer sent by `kluis send --server`, byte for byte', async () => {
    const fx = await json('/transfer/fixture.json');
    const progress = [];
    const received = await kluis.openTransfer(`${server}/t/${fx.id}`, fx.password, { onProgress: (e) => progress.push(e) });
    equal(received.info.sender, fx.from);
    equal(received.info.subject, fx.subject);
    equal(received.info.message, fx.message);
    equal(received.info.files.length, fx.files.length, 'file count');
    for (const [i, f] of fx.files.entries()) {
      equal(received.info.files[i].name, f.name);
      const bytes = new Uint8Array(await new Response(received.fileStream(i)).arrayBuffer());
      equal(bytes.length, f.size, `size of ${f.name}`);
      equal(await sha256(bytes), f.sha256, `SHA-256 of ${f.name}`);
    }
    ok(progress.some((e) => e.phase === 'downloading' && e.done === e.total && e.total > 0), 'download progress to the end');
  });

  test('openTransfer in the browser: wrong password WrongSecret, unknown link NotFound', async () => {
    const fx = await json('/transfer/fixture.json');
    await rejects(kluis.openTransfer(`${server}/t/${fx.id}`, `${fx.password}-not`), 'WrongSecret');
    await rejects(kluis.openTransfer(`${server}/t/aaaaaaaaaaaaaaaaaaaaaaaaaa`, fx.password), 'NotFound');
  });

  test('sendTransfer from the browser (File objects) is received identically by `kluis receive`', async () => {
    const fx = await json('/transfer/fixture.json');
    const a = Uint8Array.from({ length: 150_000 }, (_, i) => (i * 31 + (i >> 9)) % 256);
    const b = new TextEncoder().encode('uit de browser');
    const password = kluis.generatePassword();
    const sent = await kluis.sendTransfer(new kluis.HttpTransport(server, { token: fx.token }), {
      from: fx.sender,
      to: ['bob@example.org'],
      subject: 'Browser',
      message: 'Verstuurd vanuit Chromium',
      files: [new File([a], 'a.bin'), new File([b], 'b.txt', { type: 'text/plain' })],
      password,
    });
    equal(sent.link, `${server}/t/${sent.id}`);
    const saved = await json('/transfer/receive', { method: 'POST', body: JSON.stringify({ id: sent.id, password }) });
    equal(saved.message, 'Verstuurd vanuit Chromium');
    equal(saved.files['a.bin'], await sha256(a));
    equal(saved.files['b.txt'], await sha256(b));
  });
}
