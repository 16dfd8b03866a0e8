// The drop server's client against a real kluis-server on loopback
// (test/server.js), with the `kluis` command on the other end: JS sends and
// `kluis receive` receives, `kluis send --server` sends and JS opens.
import { deepStrictEqual, equal, ok, rejects } from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as kluis from '../dist/index.js';
import { getPool } from '../dist/engine.js';
import { SealedWindow } from '../dist/window.js';
import { isolatedCount, moduleMemory } from '../dist/remote.js';
import { kluisBin } from './cli.js';
import { startServer } from './server.js';

let server;
let work;
const bin = kluisBin();

before(async () => {
  server = await startServer();
  work = await mkdtemp(join(tmpdir(), 'kluis-js-transfer-'));
});
after(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

let n = 0;
const fresh = (who) => `${who}-${process.pid}-${++n}@example.org`;

/** `kluis ARGS` with a home of its own (where `kluis verify` keeps tokens). */
function kluisCli(args, home) {
  if (!bin) throw new Error('no kluis binary: set KLUIS_BIN or cargo build -p kluis-cli --profile fast');
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data') };
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env, maxBuffer: 1 << 28 }, (error, stdout, stderr) =>
      error ? reject(new Error(`kluis ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

async function tokenFor(address) {
  const asked = await kluis.requestCode(server.url, address);
  ok(asked.expiresAt instanceof Date && asked.expiresAt > new Date(), 'the code expires in the future');
  const code = await server.code(address);
  const { token, expiresAt } = await kluis.confirmCode(server.url, address, code);
  ok(typeof token === 'string' && token.length > 10, 'a token');
  ok(expiresAt > new Date(), 'the token expires in the future');
  return token;
}

const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream) {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

test('requestCode and confirmCode: the code from the mail gives a token; a wrong code is refused', async () => {
  const address = fresh('ann');
  await kluis.requestCode(server.url, address);
  const code = await server.code(address);
  const wrong = code === '00000000' ? '11111111' : '00000000';
  await rejects(kluis.confirmCode(server.url, address, wrong), (e) => e instanceof kluis.KluisError && e.kind === 'Transport' && e.reason === 'CodeRefused');
  const { token } = await kluis.confirmCode(server.url, address, code);
  ok(token.length > 10);
  await rejects(kluis.requestCode('http://kluis.example.org', address), (e) => e.kind === 'InvalidArgument');
});

test('sendTransfer: two files and a message from JS, received identically by `kluis receive`', async () => {
  const from = fresh('ann');
  const token = await tokenFor(from);
  const big = randomBytes(3 * 65536 + 17); // around chunk boundaries
  const small = new TextEncoder().encode('Hallo Bob, hier is het contract.\n');
  const password = kluis.generatePassword();
  const events = [];
  const sent = await kluis.sendTransfer(
    new kluis.HttpTransport(server.url, { token }),
    {
      from,
      to: ['bob@example.org'],
      subject: 'Contract',
      message: 'Signed, see attached.',
      files: [new File([big], 'data.bin', { type: 'application/octet-stream' }), { name: 'note.txt', data: new Blob([small]).stream() }],
      password,
      expiresIn: 3600,
      downloadLimit: 5,
      language: 'nl',
    },
    { onProgress: (e) => events.push(e) },
  );
  ok(/^[a-z2-7]{26}$/.test(sent.id), `an id (${sent.id})`);
  equal(sent.link, `${server.url}/t/${sent.id}`);
  ok(Math.abs(sent.expiresAt.getTime() - (Date.now() + 3600_000)) < 60_000, 'expires in an hour');
  for (const phase of ['sealing', 'uploading']) {
    const last = events.filter((e) => e.phase === phase && e.file === 0).at(-1);
    ok(last && last.done === last.total && last.total > 0, `${phase} of file 0 reported to the end`);
  }
  ok(events.some((e) => e.phase === 'uploading' && e.file === null), 'the manifest upload reported');

  const home = await mkdtemp(join(work, 'home-'));
  await writeFile(join(home, 'pw'), password);
  const out = join(home, 'out');
  const shown = JSON.parse(await kluisCli(['receive', '-q', '--json', '--password-file', join(home, 'pw'), '-o', out, sent.link], home));
  equal(shown.from, from);
  equal(shown.message, 'Signed, see attached.');
  deepStrictEqual(sha(await readFile(join(out, 'data.bin'))), sha(big));
  deepStrictEqual(new Uint8Array(await readFile(join(out, 'note.txt'))), small);
});

test('`kluis send --server` sends; openTransfer and fileStream give identical bytes', async () => {
  const from = fresh('cas');
  const home = await mkdtemp(join(work, 'home-'));
  await kluisCli(['verify', '-q', '--server', server.url, '--request-only', from], home);
  const code = await server.code(from);
  await kluisCli(['verify', '-q', '--server', server.url, '--code', code, from], home);
  const files = { 'a.bin': randomBytes(200_000), 'empty.txt': new Uint8Array(0), 'b.txt': new TextEncoder().encode('tweede bestand') };
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(home, name), bytes);
  const password = 'paard-batterij-nietje-correct-wolk-7';
  await writeFile(join(home, 'pw'), password);
  const sent = JSON.parse(
    await kluisCli(
      ['send', '-q', '--json', '--server', server.url, '--from', from, '--to', 'dan@example.org', '--subject', 'Drie bestanden', '--message', 'Zie bijlagen',
        '--password-file', join(home, 'pw'), '--allow-weak-password', ...Object.keys(files).map((f) => join(home, f))],
      home,
    ),
  );
  const events = [];
  const received = await kluis.openTransfer(sent.link, password, { onProgress: (e) => events.push(e) });
  const { info } = received;
  equal(info.sender, from);
  deepStrictEqual(info.recipients, ['dan@example.org']);
  equal(info.subject, 'Drie bestanden');
  equal(info.message, 'Zie bijlagen');
  ok(info.created instanceof Date && info.expires > info.created, 'times as Dates');
  deepStrictEqual(info.files.map((f) => [f.name, f.size]), Object.entries(files).map(([k, v]) => [k, v.length]));
  equal(info.files[2].mediaType, 'text/plain');
  for (const [i, bytes] of Object.values(files).entries()) {
    deepStrictEqual(await readAll(received.fileStream(i)), new Uint8Array(bytes), `file ${i}`);
    equal(info.files[i].sha256, sha(bytes));
  }
  const last = events.filter((e) => e.phase === 'downloading' && e.file === 0).at(-1);
  ok(last && last.done === last.total, 'the download of file 0 reported to the end');
  ok(await readAll(received.fileStream(0)).then((b) => b.length === 200_000), 'a file can be read again');
  // The transport form: the server and the id.
  const again = await kluis.openTransfer(new kluis.HttpTransport(server.url), password, { id: sent.id });
  equal(again.info.id, sent.id);
  throws(() => received.fileStream(3), 'InvalidArgument');
});

test('openTransfer runs the manifest\'s Argon2 (64 MiB) in a worker it then ends: the shared worker\'s module stays small, and a signal stops the run', async () => {
  const from = fresh('ida');
  const home = await mkdtemp(join(work, 'home-'));
  await kluisCli(['verify', '-q', '--server', server.url, '--request-only', from], home);
  await kluisCli(['verify', '-q', '--server', server.url, '--code', await server.code(from), from], home);
  const bytes = randomBytes(3 << 20);
  await writeFile(join(home, 'c.bin'), bytes);
  const password = 'tulp-molen-kaas-klomp-dijk-4';
  await writeFile(join(home, 'pw'), password);
  // The CLI seals with the default Argon2id: 64 MiB, t=3, p=4.
  const sent = JSON.parse(
    await kluisCli(['send', '-q', '--json', '--server', server.url, '--from', from, '--to', 'eva@example.org', '--subject', 'Groot',
      '--password-file', join(home, 'pw'), '--allow-weak-password', join(home, 'c.bin')], home),
  );
  const runs = isolatedCount();
  const opened = performance.now();
  const received = await kluis.openTransfer(sent.link, password);
  const openTook = performance.now() - opened;
  equal(isolatedCount(), runs + 1, 'the Argon2 ran in a worker of its own');
  deepStrictEqual(await readAll(received.fileStream(0)), new Uint8Array(bytes));
  const { receive } = await moduleMemory();
  console.log(`# the shared worker's opening module holds ${(receive / 2 ** 20).toFixed(1)} MiB after the open and a 3 MiB download`);
  ok(receive > 0 && receive < 40 * 2 ** 20, `the shared worker's module holds ${(receive / 2 ** 20).toFixed(1)} MiB, not Argon2's 64 MiB`);
  // A wrong password still says so; an abort during the Argon2 ends it at once.
  await rejects(kluis.openTransfer(sent.link, 'niet-het-wachtwoord'), (e) => e.kind === 'WrongSecret');
  const stop = new AbortController();
  const before = isolatedCount();
  const opening = kluis.openTransfer(sent.link, password, { signal: stop.signal });
  while (isolatedCount() === before) await new Promise((r) => setTimeout(r, 2));
  const aborted = performance.now();
  stop.abort(new Error('weggeklikt'));
  await rejects(opening, (e) => e.message.includes('weggeklikt'));
  const abortTook = performance.now() - aborted;
  console.log(`# open with Argon2 ${openTook.toFixed(0)} ms; an abort during it ended it in ${abortTook.toFixed(0)} ms`);
  ok(abortTook < 100 && abortTook * 4 < openTook, `the abort did not wait for the Argon2 run (${abortTook.toFixed(0)} of ${openTook.toFixed(0)} ms)`);
});

function throws(fn, kind) {
  try {
    fn();
  } catch (e) {
    equal(e.kind, kind);
    return;
  }
  throw new Error(`expected a ${kind} error`);
}

test('openTransfer refuses: wrong password WrongSecret, unknown link NotFound, bad link InvalidArgument', async () => {
  const from = fresh('eve');
  const token = await tokenFor(from);
  const password = kluis.generatePassword();
  const sent = await kluis.sendTransfer(new kluis.HttpTransport(server.url, { token }), {
    from,
    to: ['fay@example.org'],
    files: [{ name: 'x.txt', data: new Uint8Array([1, 2, 3]) }],
    password,
  });
  await rejects(kluis.openTransfer(sent.link, `${password}x`), (e) => e instanceof kluis.KluisError && e.kind === 'WrongSecret');
  await rejects(kluis.openTransfer(`${server.url}/t/aaaaaaaaaaaaaaaaaaaaaaaaaa`, password), (e) => e instanceof kluis.KluisError && e.kind === 'NotFound');
  await rejects(kluis.openTransfer('https://example.org/nothing', password), (e) => e.kind === 'InvalidArgument');
});

test('sendTransfer refuses before any upload: no token, a weak password, no recipient', async () => {
  const file = { name: 'x.txt', data: new Uint8Array([1]) };
  const request = { from: 'ann@example.org', to: ['bob@example.org'], files: [file], password: kluis.generatePassword() };
  await rejects(kluis.sendTransfer(new kluis.HttpTransport(server.url), request), (e) => e.kind === 'InvalidArgument');
  const transport = new kluis.HttpTransport(server.url, { token: 'not-a-token-the-server-gave' });
  await rejects(kluis.sendTransfer(transport, { ...request, password: 'hunter2' }), (e) => e.kind === 'WeakPassword');
  await rejects(kluis.sendTransfer(transport, { ...request, to: [] }), (e) => e.kind === 'InvalidArgument');
  // A token the server does not know: the announcement is refused.
  await rejects(kluis.sendTransfer(transport, request), (e) => e.kind === 'Transport');
});

test('sendTransfer seals and openTransfer opens a file\'s chunks on the whole worker pool, in order: the same bytes, and `kluis receive` agrees', async () => {
  await kluis.configure({ workers: 2 });
  {
    const from = fresh('pia');
    const token = await tokenFor(from);
    // 24 MiB: 24 batches of 1 MiB, far more than two workers hold at once,
    // and long enough that a worker starting late under load still gets
    // some (6 MiB once went to the first worker alone on a busy machine).
    const data = randomBytes(24 << 20);
    const password = kluis.generatePassword();
    const sent = await kluis.sendTransfer(new kluis.HttpTransport(server.url, { token }), {
      from,
      to: ['bob@example.org'],
      files: [{ name: 'six.bin', data: new Blob([data]).stream() }, new File([], 'empty.txt')],
      password,
    });
    const batches = (await getPool()).batchesByWorker();
    equal(batches.length, 2, `two workers started (${batches})`);
    ok(batches.every((n) => n >= 1), `every worker sealed chunks (batches per worker: ${batches})`);
    ok(batches.reduce((a, b) => a + b, 0) >= 24, `the file went through the pool (${batches})`);

    const home = await mkdtemp(join(work, 'home-'));
    await writeFile(join(home, 'pw'), password);
    const out = join(home, 'out');
    await kluisCli(['receive', '-q', '--password-file', join(home, 'pw'), '-o', out, sent.link], home);
    equal(sha(await readFile(join(out, 'six.bin'))), sha(data));
    equal((await readFile(join(out, 'empty.txt'))).length, 0);

    // And openTransfer opens the file's chunks on the whole pool too.
    await kluis.configure({ workers: 2 });
    const received = await kluis.openTransfer(sent.link, password);
    equal(sha(await readAll(received.fileStream(0))), sha(data));
    equal((await readAll(received.fileStream(1))).length, 0);
    const opening = (await getPool()).batchesByWorker();
    equal(opening.length, 2, `two workers started (${opening})`);
    ok(opening.every((n) => n >= 1), `every worker opened chunks (batches per worker: ${opening})`);
  }
});

test('a signal aborts sendTransfer with its reason', async () => {
  const from = fresh('gus');
  const token = await tokenFor(from);
  const stop = new AbortController();
  const reason = new Error('stopped by the user');
  const request = { from, to: ['bob@example.org'], files: [{ name: 'big.bin', data: randomBytes(4 << 20) }], password: kluis.generatePassword() };
  const sending = kluis.sendTransfer(new kluis.HttpTransport(server.url, { token }), request, {
    signal: stop.signal,
    onProgress: (e) => e.phase === 'sealing' && e.done > 0 && stop.abort(reason),
  });
  await rejects(sending, (e) => e === reason);
});

test('fileStream errors with Tampered when a stored byte changed, releasing nothing past the changed chunk', async () => {
  const from = fresh('hal');
  const token = await tokenFor(from);
  const password = kluis.generatePassword();
  const data = new Uint8Array(5 * 65536).fill(9);
  const sent = await kluis.sendTransfer(new kluis.HttpTransport(server.url, { token }), {
    from,
    to: ['ida@example.org'],
    files: [{ name: 'x.bin', data }],
    password,
  });
  const folder = join(server.dir, 'blobs', sent.id);
  const blobs = (await readdir(folder)).filter((name) => name !== 'manifest' && !name.endsWith('.part'));
  equal(blobs.length, 1, `one file blob in ${folder}`);
  const path = join(folder, blobs[0]);
  const stored = await readFile(path);
  // A byte of the fourth chunk's ciphertext (the header is under 400 bytes).
  stored[3 * (65536 + 16) + 400] ^= 1;
  await writeFile(path, stored);
  const received = await kluis.openTransfer(sent.link, password);
  const reader = received.fileStream(0).getReader();
  let released = 0;
  let error = null;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      released += r.value.length;
    }
  } catch (e) {
    error = e;
  }
  ok(error instanceof kluis.KluisError, `an error (${error})`);
  equal(error.kind, 'Tampered');
  ok(released <= 3 * 65536, `only chunks before the changed one were released (${released})`);
});

test('fileStream errors with Tampered when the stored envelope is another transfer\'s (the manifest\'s key does not open it)', async () => {
  const from = fresh('ivo');
  const token = await tokenFor(from);
  const password = kluis.generatePassword();
  const data = new Uint8Array(2 * 65536).fill(4);
  const send = () => kluis.sendTransfer(new kluis.HttpTransport(server.url, { token }), { from, to: ['jan@example.org'], files: [{ name: 'y.bin', data }], password });
  const [a, b] = [await send(), await send()];
  const blob = async (id) => {
    const folder = join(server.dir, 'blobs', id);
    const names = (await readdir(folder)).filter((name) => name !== 'manifest' && !name.endsWith('.part'));
    return join(folder, names[0]);
  };
  // Same length, another key: what a server that swapped blobs would hand out.
  await writeFile(await blob(a.id), await readFile(await blob(b.id)));
  const received = await kluis.openTransfer(a.link, password);
  await rejects(readAll(received.fileStream(0)), (e) => e instanceof kluis.KluisError && e.kind === 'Tampered' && /key does not open it/.test(e.message));
});

test('a connection dropped during the upload is repeated by the retry policy; the transfer arrives whole', async () => {
  const from = fresh('jan');
  const token = await tokenFor(from);
  let dropped = 0;
  const proxy = createServer(async (req, res) => {
    const parts = [];
    for await (const p of req) parts.push(p);
    // The first upload of a piece: cut the connection without an answer.
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.url.includes('/blobs/') && dropped === 0) {
      dropped++;
      req.socket.destroy();
      return;
    }
    const headers = {};
    for (const name of ['authorization', 'content-type', 'range']) if (req.headers[name]) headers[name] = req.headers[name];
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const answer = await fetch(`${server.url}${req.url}`, { method: req.method, headers, body: hasBody ? Buffer.concat(parts) : undefined });
    const out = {};
    for (const name of ['content-type', 'content-length', 'content-range', 'retry-after']) {
      const v = answer.headers.get(name);
      if (v !== null) out[name] = v;
    }
    const bytes = req.method === 'HEAD' ? undefined : Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, out);
    res.end(bytes);
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  try {
    const base = `http://127.0.0.1:${proxy.address().port}`;
    const password = kluis.generatePassword();
    const data = randomBytes(3 << 20);
    const sent = await kluis.sendTransfer(new kluis.HttpTransport(base, { token }), { from, to: ['kim@example.org'], files: [{ name: 'x.bin', data }], password });
    equal(dropped, 1, 'one upload request was cut');
    const received = await kluis.openTransfer(`${server.url}/t/${sent.id}`, password);
    equal(sha(await readAll(received.fileStream(0))), sha(data));
  } finally {
    proxy.close();
  }
});

test('the manifest\'s Argon2 (transfer worker) and the sealing (worker pool) run off the calling thread: it stays responsive', async () => {
  const from = fresh('lot');
  const token = await tokenFor(from);
  const password = kluis.generatePassword();
  let longest = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const t = performance.now();
    longest = Math.max(longest, t - last);
    last = t;
  }, 5);
  try {
    const started = performance.now();
    const sent = await kluis.sendTransfer(new kluis.HttpTransport(server.url, { token }), { from, to: ['max@example.org'], files: [{ name: 'x.bin', data: randomBytes(8 << 20) }], password });
    await kluis.openTransfer(sent.link, password);
    const took = performance.now() - started;
    // Two Argon2id runs at 64 MiB, t=3, p=4 (each several hundred ms in one
    // thread) and 8 MiB sealed: on this thread they would stall the timer
    // for as long.
    console.log(`# send and open took ${took.toFixed(0)} ms; the longest timer gap ${longest.toFixed(0)} ms`);
    ok(took > 400, `the work took long enough to tell (${took.toFixed(0)} ms)`);
    ok(longest < 200, `the thread stayed responsive (longest gap ${longest.toFixed(0)} ms)`);
  } finally {
    clearInterval(timer);
  }
});

/**
 * A proxy to the test server that hands every request on (its body whole)
 * and lets `intercept(req, body, res)` answer instead (return true).
 */
async function proxyServer(intercept) {
  const errors = [];
  const proxy = createServer(async (req, res) => {
    try {
      const parts = [];
      for await (const p of req) parts.push(p);
      const body = Buffer.concat(parts);
      if (await intercept(req, body, res)) return;
      await forward(req, body, res);
    } catch (e) {
      // The proxy's own failure: the client sees a dropped connection (and
      // does not wait for ever), the test sees the error.
      errors.push(e);
      res.socket?.destroy();
    }
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${proxy.address().port}`,
    close: () => {
      proxy.close();
      proxy.closeAllConnections?.();
      deepStrictEqual(errors.map(String), [], 'the proxy handed every request on');
    },
  };
}

/**
 * `fetch` to the test server, tried once more when the connection it took
 * from the pool failed before an answer (EPIPE, ECONNRESET: a kept-alive
 * connection the server closed as it was reused, which happens on a busy
 * machine; every request here may be repeated: uploads name their offset).
 */
async function fetchServer(url, init) {
  try {
    return await fetch(url, init);
  } catch (e) {
    if (!['EPIPE', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(e?.cause?.code)) throw e;
    return fetch(url, init);
  }
}

async function forward(req, body, res) {
  const headers = {};
  for (const name of ['authorization', 'content-type', 'range']) if (req.headers[name]) headers[name] = req.headers[name];
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const answer = await fetchServer(`${server.url}${req.url}`, { method: req.method, headers, body: hasBody ? body : undefined });
  const out = {};
  for (const name of ['content-type', 'content-length', 'content-range', 'retry-after']) {
    const v = answer.headers.get(name);
    if (v !== null) out[name] = v;
  }
  const bytes = req.method === 'HEAD' ? undefined : Buffer.from(await answer.arrayBuffer());
  res.writeHead(answer.status, out);
  res.end(bytes);
}

test('a send uploads each file while it is sealed and keeps a bounded window of it, however large the file: `kluis receive` gets every byte', async () => {
  // Two workers: the pool's batches under way (two of 1 MiB per worker) are
  // plaintext read ahead too.
  await kluis.configure({ workers: 2 });
  const from = fresh('olga');
  const token = await tokenFor(from);
  // A slow server: every piece of a file waits a while before it is stored.
  const proxy = await proxyServer(async (req) => {
    if (req.method === 'PUT') await new Promise((r) => setTimeout(r, 40));
    return false;
  });
  try {
    const data = randomBytes(64 << 20);
    const password = kluis.generatePassword();
    let sealedDone = 0;
    let uploadedDone = 0;
    let ahead = 0;
    let uploadStartedWhileSealing = false;
    const sent = await kluis.sendTransfer(
      new kluis.HttpTransport(proxy.base, { token }),
      { from, to: ['pim@example.org'], files: [new File([data], 'sixty-four.bin')], password },
      {
        onProgress: (e) => {
          if (e.file !== 0) return;
          if (e.phase === 'sealing') sealedDone = e.done;
          if (e.phase === 'uploading') {
            uploadedDone = e.done;
            if (e.done > 0 && sealedDone < data.length) uploadStartedWhileSealing = true;
          }
          // Plaintext read for sealing, less envelope bytes the server
          // acknowledged: what the send holds at most (the 16 MiB window,
          // two 8 MiB upload pieces; the pool's 4 MiB of batches under way;
          // four 1 MiB pieces being hashed; a piece being read). Sealing
          // all first would reach 64 MiB.
          ahead = Math.max(ahead, sealedDone - uploadedDone);
        },
      },
    );
    ok(uploadStartedWhileSealing, 'the upload started before the file was sealed');
    console.log(`# at most ${(ahead / 2 ** 20).toFixed(1)} MiB sealed ahead of the server's acknowledgement (64 MiB file)`);
    ok(ahead < 28 << 20, `at most 28 MiB read ahead of what the server holds (${ahead} bytes)`);

    const home = await mkdtemp(join(work, 'home-'));
    await writeFile(join(home, 'pw'), password);
    const out = join(home, 'out');
    await kluisCli(['receive', '-q', '--password-file', join(home, 'pw'), '-o', out, `${server.url}/t/${sent.id}`], home);
    equal(sha(await readFile(join(out, 'sixty-four.bin'))), sha(data));
  } finally {
    proxy.close();
  }
});

test('a streamed send resumes after the server drops the connection mid-file, part of a piece stored: `kluis receive` gets every byte', async () => {
  const from = fresh('rik');
  const token = await tokenFor(from);
  let cut = null;
  // The first piece past 6 MiB: half of it reaches the server, then the connection drops.
  const proxy = await proxyServer(async (req, body, res) => {
    const offset = Number(/[?&]offset=(\d+)/.exec(req.url)?.[1] ?? -1);
    if (req.method !== 'PUT' || cut !== null || offset < 6 << 20) return false;
    cut = offset + (body.length >> 1);
    const half = { headers: req.headers, method: req.method, url: req.url };
    await forward(half, body.subarray(0, body.length >> 1), { writeHead: () => {}, end: () => {} });
    res.socket.destroy();
    return true;
  });
  try {
    const data = randomBytes(14 << 20);
    const password = kluis.generatePassword();
    const sent = await kluis.sendTransfer(new kluis.HttpTransport(proxy.base, { token }), {
      from,
      to: ['pim@example.org'],
      files: [{ name: 'fourteen.bin', data }, new File([new TextEncoder().encode('tail\n')], 'tail.txt')],
      password,
    });
    ok(cut !== null, 'a piece was cut');
    const home = await mkdtemp(join(work, 'home-'));
    await writeFile(join(home, 'pw'), password);
    const out = join(home, 'out');
    await kluisCli(['receive', '-q', '--password-file', join(home, 'pw'), '-o', out, `${server.url}/t/${sent.id}`], home);
    equal(sha(await readFile(join(out, 'fourteen.bin'))), sha(data));
    equal(await readFile(join(out, 'tail.txt'), 'utf8'), 'tail\n');
  } finally {
    proxy.close();
  }
});

test('a streamed send whose server lost bytes it had acknowledged fails with a clear Transport error, never sealing them again', async () => {
  const from = fresh('sam');
  const token = await tokenFor(from);
  let lost = false;
  // Past 6 MiB the server "forgets": a piece is refused as out of place,
  // and it reports holding only the first MiB of the file.
  const proxy = await proxyServer(async (req, _body, res) => {
    const offset = Number(/[?&]offset=(\d+)/.exec(req.url)?.[1] ?? -1);
    if (req.method === 'PUT' && offset >= 6 << 20) lost = true;
    if (!lost || !req.url.includes('/blobs/') || req.url.includes('manifest')) return false;
    if (req.method === 'PUT') {
      res.writeHead(409, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'conflict', message: 'the offset is not the blob\'s length' }));
    } else if (req.method === 'GET' && req.url.endsWith('/upload')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ partial_len: 1 << 20 }));
    } else {
      return false;
    }
    return true;
  });
  try {
    const request = { from, to: ['pim@example.org'], files: [{ name: 'ten.bin', data: randomBytes(10 << 20) }], password: kluis.generatePassword() };
    await rejects(kluis.sendTransfer(new kluis.HttpTransport(proxy.base, { token }), request), (e) => {
      ok(e instanceof kluis.KluisError && e.kind === 'Transport', `${e?.kind}: ${e?.message}`);
      ok(/cannot resume/.test(e.message) && /send again/.test(e.message), e.message);
      return true;
    });
    ok(lost, 'the server lost bytes');
  } finally {
    proxy.close();
  }
});

test('a sealed window keeps only unacknowledged bytes: the sealer waits while it is full, the upload until its bytes are sealed', async () => {
  const w = new SealedWindow(0, 10);
  const bytes = async (offset, len) => new Uint8Array(await w.blob(offset, len).arrayBuffer());
  w.push(new Uint8Array([0, 1, 2, 3]));
  w.push(new Uint8Array([4, 5, 6, 7, 8, 9]));
  deepStrictEqual(await bytes(2, 5), new Uint8Array([2, 3, 4, 5, 6]));
  // Full: the sealer waits until the server acknowledged some bytes.
  let roomy = false;
  const room = w.room().then(() => (roomy = true));
  await new Promise((r) => setTimeout(r, 10));
  equal(roomy, false, 'no room while 10 bytes are kept');
  w.forget(6);
  await room;
  equal(w.held, 4);
  deepStrictEqual(await bytes(6, 4), new Uint8Array([6, 7, 8, 9]));
  throws(() => w.blob(5, 2), 'InvalidArgument');
  // The upload waits for bytes not sealed yet.
  let ready = false;
  const sealed = w.sealed(12).then(() => (ready = true));
  w.push(new Uint8Array([10]));
  await new Promise((r) => setTimeout(r, 10));
  equal(ready, false, '11 bytes are not 12');
  w.push(new Uint8Array([11, 12]));
  await sealed;
  deepStrictEqual(await bytes(9, 4), new Uint8Array([9, 10, 11, 12]));
  // A failure ends every wait with its error.
  const reason = new Error('the sealing failed');
  const waiting = w.sealed(100);
  w.fail(reason);
  await rejects(waiting, (e) => e === reason);
  await rejects(w.sealed(200), (e) => e === reason);
});
