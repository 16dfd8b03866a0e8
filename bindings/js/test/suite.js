// The package's test suite, run by `node --test` (test/node.test.js) and in
// headless Chromium (scripts/browser-test.mjs, test/browser.html).
//
// suite(test, env): `test(name, fn)` registers a test; env = { kluis,
// fixture(path) -> Promise<Uint8Array> for files under docs/test-vectors/,
// cli: { seal(plaintext, secret, args), open(envelope, secret) } }.

import { drain, equal, hex, ok, pattern, rejects, sameBytes, sha256, streamOf } from './check.js';

/** The kinds every binding uses, for the core's names of each refusal. */
const KIND = {
  BadMagic: 'Malformed',
  UnsupportedVersion: 'Malformed',
  MalformedHeader: 'Malformed',
  HeaderTampered: 'Tampered',
  ChunkTampered: 'Tampered',
  TrailingData: 'Tampered',
  SizeMismatch: 'Tampered',
  WrongSecret: 'WrongSecret',
  Truncated: 'Truncated',
  LimitsExceeded: 'LimitsExceeded',
};

/** Quick Argon2 for tests (the default is 64 MiB, t=3, p=4). */
const FAST = { mKib: 1024, t: 1, p: 1 };
const KEY = new Uint8Array(32).fill(0x42);

export function suite(test, env) {
  const { kluis } = env;

  test('ready resolves and the synchronous functions work after it', async () => {
    await kluis.ready;
    const pw = kluis.generatePassword();
    equal(pw.length, 29, 'characters password length');
    ok(pw.split('-').every((g) => g.length === 4), 'groups of four');
    equal(kluis.generatePassword('words').split('-').length, 10, 'ten words');
    ok((await kluis.ratePassword(pw)).acceptable, 'a generated password is acceptable');
    const weak = await kluis.ratePassword('hunter2');
    ok(!weak.acceptable && typeof weak.reason === 'string', 'a weak password is rated so, with a reason');
    const plain = await kluis.ratePassword('Jansen-Rotterdam-1975');
    const known = await kluis.ratePassword('Jansen-Rotterdam-1975', ['Jansen', 'Rotterdam']);
    ok(known.guessesLog10 < plain.guessesLog10, 'context words make a password easier to guess');
    const err = (() => {
      try {
        kluis.generatePassword('emoji');
      } catch (e) {
        return e;
      }
    })();
    equal(err?.kind, 'InvalidArgument', 'unknown style');
    // Node 20 and current Chromium have WebAssembly SIMD: the simd128 build is used.
    equal(kluis.simd(), true, 'the SIMD build in an engine that has SIMD');
    ok(err instanceof kluis.KluisError, 'a KluisError instance');
  });

  for (const file of ['envelope-v1-vectors.json', 'kluis-vectors.json']) {
    test(`the vectors of ${file} open, through bytes and through streams`, async () => {
      const doc = JSON.parse(new TextDecoder().decode(await env.fixture(file)));
      ok(doc.vectors.length > 0);
      let opened = 0;
      for (const v of doc.vectors) {
        const info = kluis.inspect(hex(v.envelope_header_hex));
        equal(info.chunkSize, 2 ** v.inputs.chunk_log2, `${v.name} chunk size`);
        // The largest vectors give only their header (the whole envelope
        // is checked by length and SHA-256 where it can be regenerated).
        if (v.envelope_hex === null) continue;
        opened++;
        const envelope = hex(v.envelope_hex);
        equal(envelope.length, Number(v.envelope_len), `${v.name} length`);
        const secrets = [];
        if (v.inputs.password !== null) secrets.push({ password: v.inputs.password });
        if (v.inputs.key !== null) secrets.push({ key: hex(v.inputs.key) });
        ok(secrets.length > 0);
        for (const secret of secrets) {
          const { plaintext, metadata } = await kluis.openBytes(envelope, secret);
          equal(plaintext.length, Number(v.inputs.plaintext_len), `${v.name} plaintext length`);
          sameBytes(plaintext, pattern(plaintext.length), `${v.name} plaintext`);
          equal(await sha256(plaintext), v.inputs.plaintext_sha256, `${v.name} plaintext sha256`);
          const meta = v.inputs.metadata_json === null ? null : JSON.parse(v.inputs.metadata_json);
          equal(metadata === null, meta === null, `${v.name} metadata presence`);
          if (meta) {
            equal(metadata.name, meta.name, `${v.name} name`);
            equal(metadata.size, meta.size, `${v.name} size`);
            equal(metadata.mediaType, meta.type, `${v.name} media type`);
          }
          // The same through a stream fed in 777-byte pieces.
          const { bytes, error } = await drain(kluis.openStream(streamOf(envelope, 777), secret));
          equal(error, null, `${v.name} stream error`);
          sameBytes(bytes, plaintext, `${v.name} streamed`);
        }
        await rejects(kluis.openBytes(envelope, { key: new Uint8Array(32) }), 'WrongSecret', 'WrongSecret');
      }
      ok(opened >= 3, 'most vectors opened');
    });
  }

  test('every case of the malformed-envelope kit is refused with its kind, releasing nothing', async () => {
    const doc = JSON.parse(new TextDecoder().decode(await env.fixture('malformed/cases.json')));
    const secrets = {};
    for (const [name, value] of Object.entries(doc.secrets)) {
      secrets[name] = name.includes('key') ? { key: hex(value) } : { password: value };
    }
    ok(doc.cases.length >= 40, 'the whole kit');
    for (const c of doc.cases) {
      const envelope = await env.fixture(`malformed/${c.file}`);
      const kind = KIND[c.expect];
      ok(kind, `a kind for ${c.expect}`);
      const e = await rejects(kluis.openBytes(envelope, secrets[c.secret]), kind, c.expect);
      ok(e instanceof kluis.KluisError, `${c.file}: a KluisError`);
      // Streamed in 1013-byte pieces: the same refusal, and whatever came
      // out before it is authenticated plaintext of the kit (i mod 251).
      const { bytes, error } = await drain(kluis.openStream(streamOf(envelope, 1013), secrets[c.secret]));
      ok(error !== null, `${c.file}: the stream must fail`);
      equal(error.kind, kind, `${c.file} streamed kind`);
      equal(error.reason, c.expect, `${c.file} streamed reason`);
      sameBytes(bytes, pattern(bytes.length), `${c.file}: released bytes`);
    }
  });

  test('streams round-trip around chunk boundaries, however the input is cut', async () => {
    const C = 4096;
    for (const len of [0, 1, C - 1, C, C + 1, 2 * C, 3 * C + 5, 40 * C + 17]) {
      const plaintext = pattern(len, 7);
      for (const cut of [1, 1000, C, [5, C + 3, 2 * C]]) {
        if (cut === 1 && len > 3 * C + 5) continue;
        const envelope = (await drain(kluis.sealStream(streamOf(plaintext, cut), [{ key: KEY }], { chunkSize: C }))).bytes;
        const chunks = Math.max(1, Math.ceil(len / C));
        const header = kluis.inspect(envelope).headerLength;
        equal(envelope.length, header + len + 16 * chunks, `envelope length for ${len}`);
        const opened = await drain(kluis.openStream(streamOf(envelope, cut), { key: KEY }));
        equal(opened.error, null, `open ${len} cut ${cut}`);
        sameBytes(opened.bytes, plaintext, `round trip of ${len} bytes cut by ${cut}`);
      }
    }
  });

  test('sealBytes and openBytes: passwords, keys, metadata, several secrets', async () => {
    const plaintext = pattern(100_000);
    const envelope = await kluis.sealBytes(plaintext, [{ password: 'paard batterij nietje' }, { key: KEY }], {
      argon2: FAST,
      chunkSize: 16384,
      metadata: { name: 'plan.pdf', mediaType: 'application/pdf', modified: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) },
    });
    const info = kluis.inspect(envelope);
    equal(info.slots.length, 2);
    equal(info.slots[0].kind, 'password');
    equal(info.slots[0].argon2.mKib, 1024);
    equal(info.slots[1].kind, 'key');
    for (const secret of [{ password: 'paard batterij nietje' }, { key: KEY }]) {
      const { plaintext: out, metadata } = await kluis.openBytes(envelope, secret);
      sameBytes(out, plaintext);
      equal(metadata.name, 'plan.pdf');
      equal(metadata.mediaType, 'application/pdf');
      equal(metadata.modified, '2026-01-02T03:04:05Z');
    }
    // Unicode spaces and composition are normalised, as in every binding.
    const pw = await kluis.sealBytes(plaintext.subarray(0, 10), { password: 'cafe\u0301\u00a0geheim' }, { argon2: FAST });
    equal((await kluis.openBytes(pw, { password: 'caf\u00e9 geheim' })).plaintext.length, 10);
    await rejects(kluis.openBytes(envelope, { password: 'wrong' }), 'WrongSecret');
    const none = await kluis.openBytes(await kluis.sealBytes(new Uint8Array(0), { key: KEY }), { key: KEY });
    equal(none.plaintext.length, 0);
    equal(none.metadata, null);
  });

  test('bad arguments are InvalidArgument, hostile costs LimitsExceeded', async () => {
    await rejects(kluis.sealBytes(new Uint8Array(1), { key: new Uint8Array(31) }), 'InvalidArgument');
    await rejects(kluis.sealBytes(new Uint8Array(1), { password: '' }), 'InvalidArgument');
    await rejects(kluis.sealBytes(new Uint8Array(1), []), 'InvalidArgument');
    await rejects(kluis.sealBytes(new Uint8Array(1), { nothing: 1 }), 'InvalidArgument');
    await rejects(kluis.sealBytes(new Uint8Array(1), { key: KEY }, { chunkSize: 1000 }), 'InvalidArgument');
    await rejects(kluis.sealBytes(new Uint8Array(1), { key: KEY }, { chunkSize: 4096.5 }), 'InvalidArgument');
    await rejects(kluis.sealBytes(new Uint8Array(1), { password: 'x' }, { argon2: { mKib: 1 << 30, t: 3, p: 4 } }), 'InvalidArgument');
    await rejects(kluis.sealBytes('text', { key: KEY }), 'InvalidArgument');
    const strings = () => new ReadableStream({ start: (c) => (c.enqueue('not bytes'), c.close()) });
    equal((await drain(kluis.sealStream(strings(), { key: KEY }))).error?.kind, 'InvalidArgument', 'sealStream of strings');
    equal((await drain(kluis.openStream(strings(), { key: KEY }))).error?.kind, 'InvalidArgument', 'openStream of strings');
    const envelope = await kluis.sealBytes(new Uint8Array(10), { password: 'geheim wachtwoord' }, { argon2: { mKib: 8192, t: 2, p: 1 } });
    await rejects(kluis.openBytes(envelope, { password: 'geheim wachtwoord' }, { maxMKib: 4096 }), 'LimitsExceeded', 'LimitsExceeded');
    await rejects(kluis.openBytes(envelope, { password: 'geheim wachtwoord' }, { maxT: 1 }), 'LimitsExceeded');
    equal((await kluis.openBytes(envelope, { password: 'geheim wachtwoord' }, { maxMKib: 8192 })).plaintext.length, 10);
    try {
      kluis.inspect(new TextEncoder().encode('hello world'));
      ok(false, 'inspect accepted text');
    } catch (e) {
      equal(e.kind, 'Malformed');
      equal(e.reason, 'BadMagic');
    }
  });

  test('a truncated stream errors with Truncated after releasing only whole authenticated chunks', async () => {
    const C = 4096;
    const plaintext = pattern(5 * C + 100);
    const envelope = await kluis.sealBytes(plaintext, { key: KEY }, { chunkSize: C });
    const header = kluis.inspect(envelope).headerLength;
    const stride = C + 16;
    for (const cut of [header, header + stride, header + 3 * stride, header + 5 * stride]) {
      const { bytes, error } = await drain(kluis.openStream(streamOf(envelope.subarray(0, cut), 3000), { key: KEY }));
      equal(error?.kind, 'Truncated', `cut at ${cut}`);
      ok(bytes.length <= ((cut - header) / stride) * C, 'nothing past the cut');
      equal(bytes.length % C, 0, 'whole chunks only');
      sameBytes(bytes, plaintext.subarray(0, bytes.length), 'a prefix of the plaintext');
    }
    // Cut inside a chunk: the last piece does not authenticate.
    const mid = await drain(kluis.openStream(streamOf(envelope.subarray(0, header + 2 * stride + 50), 3000), { key: KEY }));
    equal(mid.error?.kind, 'Tampered');
    equal(mid.bytes.length % C, 0);
    // A flipped byte in chunk 3: chunks 0..2 at most come out, never chunk 3.
    const bad = envelope.slice();
    bad[header + 3 * stride + 10] ^= 1;
    const flipped = await drain(kluis.openStream(streamOf(bad, 5000), { key: KEY }));
    equal(flipped.error?.reason, 'ChunkTampered');
    ok(flipped.bytes.length <= 3 * C, 'nothing of the changed chunk or after');
    // Bytes after the final chunk.
    const trailing = new Uint8Array(envelope.length + 1);
    trailing.set(envelope);
    // (One more byte makes the final chunk one byte longer: it no longer
    // authenticates; a whole chunk after the final one is the kit's
    // TrailingData case.)
    await rejects(kluis.openBytes(trailing, { key: KEY }), 'Tampered', 'ChunkTampered');
  });

  test('abort: a signal stops sealing and opening and cancels the source', async () => {
    let cancelled = null;
    let pulled = 0;
    const endless = new ReadableStream({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(65536));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const ac = new AbortController();
    const sealed = kluis.sealStream(endless, { key: KEY }, { signal: ac.signal });
    const reader = sealed.getReader();
    await reader.read();
    await reader.read();
    const reason = new Error('user pressed stop');
    ac.abort(reason);
    let error = null;
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
      }
    } catch (e) {
      error = e;
    }
    equal(error, reason, 'the stream errors with the abort reason');
    equal(cancelled, reason, 'the source is cancelled with it');
    const before = pulled;
    await new Promise((r) => setTimeout(r, 50));
    equal(pulled, before, 'no more reads after the abort');

    // Cancelling the output cancels the source too.
    let sourceCancelled = false;
    const src = new ReadableStream({
      pull(c) {
        c.enqueue(new Uint8Array(4096));
      },
      cancel() {
        sourceCancelled = true;
      },
    });
    const out = kluis.sealStream(src, { key: KEY }).getReader();
    await out.read();
    await out.cancel('enough');
    ok(sourceCancelled, 'source cancelled');

    // An already aborted signal: nothing is done.
    const done = new AbortController();
    done.abort(new Error('before'));
    let e2 = null;
    try {
      await kluis.openBytes(new Uint8Array(10), { key: KEY }, undefined, { signal: done.signal });
    } catch (e) {
      e2 = e;
    }
    equal(e2?.message, 'before');
  });

  test('back-pressure: a slow reader holds the source back (constant memory)', async () => {
    let produced = 0;
    const total = 256 << 20;
    const source = new ReadableStream(
      {
        pull(controller) {
          if (produced >= total) return controller.close();
          controller.enqueue(new Uint8Array(65536));
          produced += 65536;
        },
      },
      { highWaterMark: 0 },
    );
    const reader = kluis.sealStream(source, { key: KEY }).getReader();
    for (let i = 0; i < 4; i++) await reader.read();
    await new Promise((r) => setTimeout(r, 100));
    const bound = (2 * kluis.workers() + 3) * (1 << 20);
    ok(produced <= bound, `read ${produced} bytes of the source while 4 outputs were taken (bound ${bound})`);
    await reader.cancel();
  });

  test('one worker or several: the same envelope rules, parallel calls stay apart', async () => {
    const plaintext = pattern(3 << 20, 3);
    const before = kluis.workers();
    for (const n of [1, 2]) {
      await kluis.configure({ workers: n });
      equal(kluis.workers(), n);
      const envelopes = await Promise.all([0, 1, 2].map(() => kluis.sealBytes(plaintext, { key: KEY })));
      const opened = await Promise.all(envelopes.map((e) => kluis.openBytes(e, { key: KEY })));
      for (const o of opened) sameBytes(o.plaintext, plaintext);
    }
    await rejects(kluis.configure({ workers: 0 }), 'InvalidArgument');
    await kluis.configure({ workers: before });
  });

  if (env.cli) {
    test('interop: the CLI seals and JS opens; JS seals and the CLI opens', async () => {
      const plaintext = pattern(200_000, 11);
      for (const secret of [{ password: 'kluis ✓ geheim' }, { key: KEY }]) {
        const cost = secret.password !== undefined ? ['--argon2', 'm=1024,t=1,p=1'] : [];
        const fromCli = await env.cli.seal(plaintext, secret, [...cost, '--chunk-size', '16K', '--name', 'van-cli.bin']);
        const { plaintext: out, metadata } = await kluis.openBytes(fromCli, secret);
        sameBytes(out, plaintext, 'CLI → JS');
        equal(metadata.name, 'van-cli.bin');
        equal(metadata.size, plaintext.length);
        const fromJs = await kluis.sealBytes(plaintext, secret, { argon2: FAST, metadata: { name: 'van-js.bin' } });
        sameBytes(await env.cli.open(fromJs, secret), plaintext, 'JS → CLI');
      }
    });
  }
}
