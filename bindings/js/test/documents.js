// Documents made in the test, for scanBytes: a zip archive (stored
// entries), a .docx, a PDF with a text layer, an .eml message, and a zip
// bomb. Plain JavaScript, so the same code runs in Node and in a browser.

const enc = new TextEncoder();

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A zip archive of `entries`: `{ name, data }` (stored) or `{ name,
 * deflated, size, crc }` (raw deflate data that inflates to `size` bytes).
 */
export function zip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const method = e.deflated ? 8 : 0;
    const data = e.deflated ?? e.data;
    const size = e.deflated ? e.size : e.data.length;
    const crc = e.deflated ? e.crc : crc32(e.data);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, method, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const head = new Uint8Array(46 + name.length);
    const cv = new DataView(head.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    head.set(name, 46);
    locals.push(local, data);
    central.push(head);
    offset += local.length + data.length;
  }
  const dir = concat(central);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, dir.length, true);
  ev.setUint32(16, offset, true);
  return concat([...locals, dir, end]);
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const CONTENT_TYPES =
  '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';

/** A Word document whose paragraphs are `lines`, each split over two runs (as Word does). */
export function docx(lines) {
  const paragraphs = lines
    .map((l) => {
      const half = Math.floor(l.length / 2);
      return `<w:p><w:r><w:t xml:space="preserve">${l.slice(0, half)}</w:t></w:r><w:r><w:t xml:space="preserve">${l.slice(half)}</w:t></w:r></w:p>`;
    })
    .join('');
  const document = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="${W}"><w:body>${paragraphs}</w:body></w:document>`;
  return zip([
    { name: '[Content_Types].xml', data: enc.encode(CONTENT_TYPES) },
    { name: 'word/document.xml', data: enc.encode(document) },
  ]);
}

/**
 * A one-page PDF showing `lines` in Helvetica (ASCII only), its content
 * stream uncompressed; `extra` goes into the page's dictionary.
 */
export function pdf(lines, extra = '') {
  const content = `BT /F1 10 Tf 14 TL 50 800 Td\n${lines.map((l) => `(${l.replace(/[()\\]/g, '\\$&')}) Tj T*\n`).join('')}ET\n`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page ${extra}/Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>`,
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return enc.encode(out);
}

function base64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/.{1,76}/g, '$&\r\n');
}

/** A mail with a plain-text body and `attachment` ({ name, type, data }) in base64. */
export function eml(body, attachment) {
  return enc.encode(
    'From: a@example.org\r\nTo: b@example.org\r\nSubject: aanvraag\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/mixed; boundary="mix"\r\n\r\n' +
      `--mix\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n` +
      `--mix\r\nContent-Type: ${attachment.type}; name="${attachment.name}"\r\n` +
      `Content-Disposition: attachment; filename="${attachment.name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
      `${base64(attachment.data)}--mix--\r\n`,
  );
}

/** Writes bits least significant first, as deflate does. */
class Bits {
  constructor(capacity) {
    this.out = new Uint8Array(capacity);
    this.at = 0;
    this.acc = 0;
    this.n = 0;
  }
  put(value, count) {
    this.acc |= value << this.n;
    this.n += count;
    while (this.n >= 8) {
      this.out[this.at++] = this.acc & 0xff;
      this.acc >>>= 8;
      this.n -= 8;
    }
  }
  /** A Huffman code: most significant bit first. */
  code(value, count) {
    let r = 0;
    for (let i = 0; i < count; i++) r |= ((value >> i) & 1) << (count - 1 - i);
    this.put(r, count);
  }
  bytes() {
    if (this.n > 0) this.out[this.at++] = this.acc & 0xff;
    return this.out.subarray(0, this.at);
  }
}

/** A literal byte in deflate's fixed Huffman code. */
function literal(bits, b) {
  if (b < 144) bits.code(0x30 + b, 8);
  else bits.code(0x190 + b - 144, 9);
}

/**
 * A .docx whose document.xml inflates to `size` bytes from about
 * size / 90 bytes: one 4 KiB empty paragraph element, then copies of it
 * (deflate's fixed code: length 258, distance 4096, 23 bits each).
 */
export function zipBomb(size) {
  const period = 4096;
  const head = '<?xml version="1.0"?><w:document xmlns:w="' + W + '"><w:body>';
  const unit = `<w:p w:rsidR="${'0'.repeat(period - 17)}"/>`;
  if (unit.length !== period) throw new Error('unit length');
  const copies = Math.ceil((size - head.length - period) / 258);
  const bits = new Bits(Math.ceil(((head.length + period) * 9 + copies * 23) / 8) + 16);
  bits.put(1, 1); // BFINAL
  bits.put(1, 2); // fixed Huffman codes
  for (const c of head + unit) literal(bits, c.charCodeAt(0));
  for (let i = 0; i < copies; i++) {
    bits.code(0xc5, 8); // length code 285: 258 bytes
    bits.code(23, 5); // distance code 23: 3073..4096, 10 extra bits
    bits.put(period - 3073, 10);
  }
  bits.code(0, 7); // end of block
  const total = head.length + period + copies * 258;
  return zip([
    { name: '[Content_Types].xml', data: enc.encode(CONTENT_TYPES) },
    { name: 'word/document.xml', deflated: bits.bytes(), size: total >>> 0, crc: 0 },
  ]);
}
