import { fileTypeFromBuffer } from 'file-type';

/**
 * A file type Parley accepts.
 *
 * `inline`: a raster image browsers render safely (PNG, JPEG, GIF, WebP): served inline and thumbnailed;
 * everything else is served as a download.
 */
export interface FileKind {
  /** The `Content-Type` Parley serves the file with. */
  contentType: string;
  /** The extension Parley names the file with, without the dot (never the one the uploader chose). */
  extension: string;
  /** Whether the file may be shown in the page (`Content-Disposition: inline`) and thumbnailed. */
  inline: boolean;
}

/** The plain-text kind: what every text format (SVG, HTML, CSV, logs…) becomes, so none of them is ever rendered. */
const TEXT: FileKind = { contentType: 'text/plain; charset=utf-8', extension: 'txt', inline: false };

/**
 * The allowlist, keyed by the `ext` file-type reports. The content types are ours rather than file-type's `mime`,
 * so one format is always served under one registered type (file-type says `audio/x-m4a`, `image/heif`…).
 * Formats that merely resemble an allowed one stay out on purpose: macro-enabled Office files (`docm`, `xlsm`…)
 * and the zip-based `jar` / `apk` are reported under their own `ext`, so they never pass as `docx` or `zip`.
 */
const ALLOWED = new Map<string, FileKind>(
  (
    [
      ['png', 'image/png', true],
      ['jpg', 'image/jpeg', true],
      ['gif', 'image/gif', true],
      ['webp', 'image/webp', true],
      ['pdf', 'application/pdf', false],
      ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', false],
      ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', false],
      ['pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation', false],
      ['odt', 'application/vnd.oasis.opendocument.text', false],
      ['ods', 'application/vnd.oasis.opendocument.spreadsheet', false],
      ['odp', 'application/vnd.oasis.opendocument.presentation', false],
      ['zip', 'application/zip', false],
      ['mp3', 'audio/mpeg', false],
      ['m4a', 'audio/mp4', false],
      ['wav', 'audio/wav', false],
      ['ogg', 'audio/ogg', false],
      ['mp4', 'video/mp4', false],
      ['mov', 'video/quicktime', false],
      ['webm', 'video/webm', false],
      ['heic', 'image/heic', false],
    ] as const
  ).map(([extension, contentType, inline]) => [extension, { contentType, extension, inline }]),
);

/**
 * Ogg audio that file-type names after its codec: Opus is what browsers record voice notes in, FLAC-in-Ogg is rare
 * but harmless. Both are served as the one `ogg` kind. (Ogg video, `ogv` / `ogm`, is not on the allowlist.)
 */
const OGG_AUDIO = new Set(['opus', 'oga']);

/**
 * The kind of `bytes`, judged by their content (magic bytes), never by the file's name or the type the uploader
 * claimed; or null when it is not on the allowlist (an executable, an unknown binary, an empty file…).
 *
 * Text has no magic bytes: bytes that are valid UTF-8 without a NUL are plain text, served as a download, so an
 * SVG or an HTML page can never run script in Parley's origin.
 */
export async function detectFileKind(bytes: Uint8Array): Promise<FileKind | null> {
  if (bytes.length === 0) return null;
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) {
    const kind = ALLOWED.get(OGG_AUDIO.has(detected.ext) ? 'ogg' : detected.ext);
    if (kind && ZIP_FAMILY.has(kind.extension) && hasRunnableEntry(bytes)) return null;
    if (kind) return kind;
    // Some of file-type's signatures are a few ASCII bytes (`BM` is a bitmap, `MZ` a Windows executable, `<?xml` XML),
    // so a CSV of BMW sales or an SVG with an XML declaration is "detected" as something we refuse. Such a file is
    // still just text when it decodes as text, and text is always a harmless download. A real executable or binary
    // never gets this far: its header has NUL bytes or sequences that are not UTF-8.
  }
  return isPlainText(bytes) ? TEXT : null;
}

/** The allowed kinds that are zip archives inside (office documents and zip itself). */
const ZIP_FAMILY = new Set(['docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'zip']);
/**
 * Entry names of archives that run code: a Java archive's manifest, an Android app's code and manifest, Office macros.
 * file-type names a zip after the first entry it recognises (`mimetype`, `[Content_Types].xml`), so a JAR or APK that
 * puts an OpenDocument `mimetype` first would pass as `odt`. Entry names are stored uncompressed in a zip's local
 * headers and central directory, so finding one anywhere in the bytes is enough to refuse the archive.
 */
const RUNNABLE_ENTRIES = ['META-INF/MANIFEST.MF', 'classes.dex', 'AndroidManifest.xml', 'vbaProject.bin'].map((name) => Buffer.from(name));

function hasRunnableEntry(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return RUNNABLE_ENTRIES.some((name) => buffer.includes(name));
}

/** The extension a file of `contentType` is downloaded with (ours, from its content, never the uploader's). */
export function extensionOf(contentType: string): string {
  if (contentType === TEXT.contentType) return TEXT.extension;
  for (const kind of ALLOWED.values()) if (kind.contentType === contentType) return kind.extension;
  return 'bin';
}

/** Whether `bytes` decode as UTF-8 and hold no NUL (the surest sign of a binary that happens to decode). */
function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    // `fatal` makes malformed sequences throw instead of turning into U+FFFD, which would let any binary pass.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
