import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { detectFileKind, type FileKind } from './file-kind.js';

/** Bytes from strings (each char one byte, Latin-1) and byte arrays, so binary headers read like their specs. */
function bytes(...parts: Array<string | ArrayLike<number>>): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part)))));
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** A real (stored, uncompressed) zip archive: what Office, OpenDocument, jar and apk files are made of. */
function zip(entries: Record<string, string>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.from(content);
    const fileName = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(locals.length / 3, 8);
  end.writeUInt16LE(locals.length / 3, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/** An Office Open XML package whose main part has `contentType`. */
const ooxml = (contentType: string) =>
  zip({
    '[Content_Types].xml': `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/main.xml" ContentType="${contentType}"/></Types>`,
  });

/** An ISO base media file (MP4, MOV, M4A, HEIC) is told apart by the major brand of its `ftyp` box. */
function isoMedia(brand: string): Uint8Array {
  const box = Buffer.alloc(32);
  box.writeUInt32BE(32, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(brand, 8, 'latin1');
  box.write(brand, 16, 'latin1');
  return new Uint8Array(box);
}

/** The first Ogg page, carrying the codec's identification header. */
function ogg(codecHeader: string): Uint8Array {
  const page = Buffer.alloc(64);
  page.write('OggS', 0, 'latin1');
  page[5] = 2; // beginning of stream
  page[26] = 1; // one segment
  page[27] = 19;
  page.write(codecHeader, 28, 'latin1');
  return new Uint8Array(page);
}

const image = (format: 'png' | 'jpeg' | 'gif' | 'webp') =>
  sharp({ create: { width: 4, height: 3, channels: 3, background: '#3366cc' } })
    .toFormat(format)
    .toBuffer()
    .then((buffer) => new Uint8Array(buffer));

const download = (contentType: string, extension: string): FileKind => ({ contentType, extension, inline: false });
const TEXT = download('text/plain; charset=utf-8', 'txt');

describe('detectFileKind', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['gif', 'image/gif'],
    ['webp', 'image/webp'],
  ] as const)('serves a real %s inline', async (format, contentType) => {
    const kind = await detectFileKind(await image(format));
    expect(kind).toEqual({ contentType, extension: format === 'jpeg' ? 'jpg' : format, inline: true });
  });

  it.each<[string, Uint8Array, FileKind]>([
    ['a PDF', bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), download('application/pdf', 'pdf')],
    [
      'a Word document',
      ooxml('application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'),
      download('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'),
    ],
    [
      'an Excel workbook',
      ooxml('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'),
      download('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'),
    ],
    [
      'a PowerPoint deck',
      ooxml('application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml'),
      download('application/vnd.openxmlformats-officedocument.presentationml.presentation', 'pptx'),
    ],
    [
      'an OpenDocument text',
      zip({ mimetype: 'application/vnd.oasis.opendocument.text' }),
      download('application/vnd.oasis.opendocument.text', 'odt'),
    ],
    [
      'an OpenDocument spreadsheet',
      zip({ mimetype: 'application/vnd.oasis.opendocument.spreadsheet' }),
      download('application/vnd.oasis.opendocument.spreadsheet', 'ods'),
    ],
    [
      'an OpenDocument presentation',
      zip({ mimetype: 'application/vnd.oasis.opendocument.presentation' }),
      download('application/vnd.oasis.opendocument.presentation', 'odp'),
    ],
    ['a zip archive', zip({ 'notes.txt': 'hello' }), download('application/zip', 'zip')],
    [
      'an MP3 with an ID3 tag',
      bytes('ID3', [4, 0, 0, 0, 0, 0, 0], [0xff, 0xfb, 0x90, 0x64], new Uint8Array(400)),
      download('audio/mpeg', 'mp3'),
    ],
    ['an M4A', isoMedia('M4A '), download('audio/mp4', 'm4a')],
    ['a WAV', bytes('RIFF', [36, 0, 0, 0], 'WAVEfmt ', new Uint8Array(24)), download('audio/wav', 'wav')],
    ['an Ogg Vorbis', ogg('\x01vorbis'), download('audio/ogg', 'ogg')],
    ['an Ogg Opus voice note', ogg('OpusHead'), download('audio/ogg', 'ogg')],
    ['an MP4', isoMedia('isom'), download('video/mp4', 'mp4')],
    ['a QuickTime movie', isoMedia('qt  '), download('video/quicktime', 'mov')],
    ['a WebM', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x87, 0x42, 0x82, 0x84], 'webm'), download('video/webm', 'webm')],
    ['a HEIC photo (not inline: most browsers cannot render it)', isoMedia('heic'), download('image/heic', 'heic')],
  ])('recognises %s, served as a download', async (_name, fixture, expected) => {
    expect(await detectFileKind(fixture)).toEqual(expected);
  });

  it.each<[string, Uint8Array]>([
    ['an ELF executable', bytes('\x7fELF', [2, 1, 1, 0], new Uint8Array(56))],
    [
      'a Windows PE executable',
      (() => {
        const stub = Buffer.alloc(128);
        stub.write('MZ', 0, 'latin1');
        stub.writeUInt32LE(64, 0x3c); // e_lfanew: where the PE header starts
        stub.write('PE\0\0', 64, 'latin1');
        return new Uint8Array(stub);
      })(),
    ],
    ['a Mach-O executable', bytes([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1], new Uint8Array(24))],
    ['a Java class', bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x41], new Uint8Array(16))],
    ['a Java archive', zip({ 'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\nMain-Class: Evil\n' })],
    // file-type names a zip after its first known entry: an OpenDocument `mimetype` first would make this an `odt`.
    [
      'a Java archive dressed as an OpenDocument text',
      zip({ mimetype: 'application/vnd.oasis.opendocument.text', 'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\nMain-Class: Evil\n' }),
    ],
    [
      'an Android package dressed as an OpenDocument text',
      zip({ mimetype: 'application/vnd.oasis.opendocument.text', 'classes.dex': 'dex\n035' }),
    ],
    ['an Android package', zip({ 'AndroidManifest.xml': '<manifest/>', 'classes.dex': 'dex\n035' })],
    ['a macro-enabled Word document', ooxml('application/vnd.ms-word.document.macroEnabled.main+xml')],
    ['a WebAssembly module', bytes([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])],
    ['a Windows installer (MSI)', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], new Uint8Array(512))],
    [
      'a disk image (DMG)',
      (() => {
        const dmg = Buffer.alloc(1024);
        dmg.write('koly', 512, 'latin1'); // the trailer a DMG ends with
        return new Uint8Array(dmg);
      })(),
    ],
    ['an Ogg video', ogg('\x80theora')],
    ['an unknown binary', bytes([0x13, 0x37, 0xc0, 0xde, 0xff, 0xfe, 0x00, 0x01])],
    ['text with a NUL byte', utf8('looks like text\0but is not')],
    ['invalid UTF-8', bytes('caf', [0xe9], ' au lait')],
    ['UTF-16 text (a NUL after every ASCII char)', new Uint8Array(Buffer.from('\ufeffhello', 'utf16le'))],
    ['an empty file', new Uint8Array(0)],
  ])('refuses %s', async (_name, fixture) => {
    expect(await detectFileKind(fixture)).toBeNull();
  });

  it.each([
    ['an SVG with a script', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    // file-type reports this one as `xml` (not on the allowlist): it is still text.
    ['an SVG with an XML declaration', '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'],
    ['an HTML page', '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>'],
    ['a CSV', 'name,email\nAda,ada@example.com\n'],
    // file-type takes the leading `BM` for a bitmap signature.
    ['a CSV starting with "BM"', 'BMW,3 Series,2024\nAudi,A4,2023\n'],
    ['a log', '2024-05-01T10:00:00Z INFO started\n2024-05-01T10:00:01Z WARN slow\n'],
    ['a shell script', '#!/bin/sh\nrm -rf ~\n'],
    ['UTF-8 text with emoji and accents', 'Merci beaucoup 🙏 — ça marche 👍\n'],
  ])('treats %s as plain text, never inline', async (_name, text) => {
    expect(await detectFileKind(utf8(text))).toEqual(TEXT);
  });
});
