/**
 * Files in the transcript, a chunk of its own (loaded when a message with files is shown, or when the reply box offers
 * files): the reply box's "Attach files" button (the chosen files are uploaded and sent at once, as one message named
 * after them) and the files under a message (an image's preview, which opens the image; a download link for anything
 * else). File URLs are signed for five minutes: each is asked for when shown, and again once expired, when the agent
 * comes near the link.
 * @module
 */
import { ParleyError, type Attachment, type AttachmentUrl } from '@parley/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { bodyOf } from '../api.js';
import { errorMessage, type ConsoleFiles } from '../console-controller.js';

// The chunk's own styles, added to the page the first time one of its components draws: the bundle every agent loads
// carries none of them. (Added from a component, not at the module's top level, which the build drops as unused.)
const css = `
.reply-files-error { flex-basis: 100%; order: -1; margin: 0; }
.message-files { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 6px; }
.message-file { display: inline-flex; align-items: baseline; gap: 6px; max-width: 100%; }
.message-file small { color: var(--text-muted); }
.message-file-image img { display: block; max-width: 160px; max-height: 120px; border-radius: var(--radius); }
`;
let styled = false;
function addStyles() {
  if (styled) return;
  styled = true;
  const element = document.createElement('style');
  element.textContent = css;
  document.head.append(element);
}

/** The largest file the server takes (`ATTACHMENT_MAX_BYTES`), checked here first to say so at once. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** At most this many files in one message, as the server allows. */
export const MAX_FILES = 5;

/** "1.2 MB", "34 KB". */
export function sizeText(bytes: number): string {
  const megabytes = bytes >= 1024 * 1024;
  const value = megabytes ? bytes / 1024 / 1024 : Math.max(1, Math.round(bytes / 1024));
  return `${value.toLocaleString(undefined, { maximumFractionDigits: 1 })} ${megabytes ? 'MB' : 'KB'}`;
}

/** Why these files cannot be sent before anything is uploaded, or null when they may be. */
export function checkFiles(chosen: readonly File[]): string | null {
  if (chosen.length > MAX_FILES) return `At most ${MAX_FILES} files can be sent at once.`;
  const large = chosen.find((file) => file.size > MAX_FILE_BYTES);
  return large ? `“${large.name}” is too large: files can be at most ${MAX_FILE_BYTES / 1024 / 1024} MB.` : null;
}

/** Uploads a file: where to (`attachment:prepare`), then its bytes with `PUT` (paths are relative to the server). */
async function upload(files: ConsoleFiles, file: File): Promise<Attachment> {
  const { uploadPath } = await files().prepareAttachment({ name: file.name, size: file.size });
  let response: Response;
  try {
    response = await fetch(uploadPath, { method: 'PUT', body: file });
  } catch (cause) {
    throw new ParleyError('unavailable', 'The file could not be uploaded. Check your connection and try again.', { cause });
  }
  return bodyOf<Attachment>(response);
}

/** Props of {@link AttachButton}. */
export interface AttachButtonProps {
  files: ConsoleFiles;
  /** Sends the uploaded files as one message: their names as its body, their ids as its `attachments`. */
  onSend: (body: string, quickReplies: undefined, attachments: string[]) => void;
}

/**
 * "Attach files": opens the file picker, checks what the agent chose (at most {@link MAX_FILES}, each at most 10 MB),
 * uploads it and sends it in one message. Why files were not sent (too many, too large, refused by the server) shows as
 * an alert on a line of its own, atop the reply box's footer it sits in.
 */
export function AttachButton({ files, onSend }: AttachButtonProps) {
  addStyles();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, onError] = useState<string | null>(null);

  async function sendFiles(chosen: File[]) {
    const problem = checkFiles(chosen);
    onError(problem);
    if (problem) return;
    setBusy(true);
    try {
      const uploaded: Attachment[] = [];
      for (const file of chosen) uploaded.push(await upload(files, file));
      onSend(
        uploaded.map((attachment) => attachment.name).join(', '),
        undefined,
        uploaded.map((attachment) => attachment.id),
      );
    } catch (failure) {
      onError(`The files were not sent: ${errorMessage(failure)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {error && (
        <p class="form-error reply-files-error" role="alert">
          {error}
        </p>
      )}
      <button
        type="button"
        class="button button-ghost"
        aria-busy={busy || undefined}
        disabled={busy}
        onClick={() => input.current?.click()}
      >
        {busy ? 'Uploading…' : 'Attach files'}
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        onChange={(event) => {
          const chosen = [...(event.currentTarget.files ?? [])];
          // The same file may be chosen again later.
          event.currentTarget.value = '';
          if (chosen.length > 0) void sendFiles(chosen);
        }}
      />
    </>
  );
}

/** Signed URLs of a file, asked for when shown and again once expired (or about to). */
function useFileUrls(files: ConsoleFiles, attachment: Attachment) {
  const [urls, setUrls] = useState<AttachmentUrl | null>(null);
  const asking = useRef(false);
  const refresh = () => {
    if (asking.current || (urls && Date.parse(urls.expiresAt) - Date.now() > 10_000)) return;
    asking.current = true;
    // `files()` throws while offline: a failure like any other.
    Promise.resolve()
      .then(() => files().attachmentUrl(attachment.id))
      // A failure leaves the link without a URL; coming near it asks again.
      .then(setUrls, () => undefined)
      .finally(() => (asking.current = false));
  };
  useEffect(refresh, [attachment.id]);
  return { urls, refresh };
}

function FileItem({ files, attachment }: { files: ConsoleFiles; attachment: Attachment }) {
  const { urls, refresh } = useFileUrls(files, attachment);
  // A link's URL is renewed when the agent comes near it, so it still works when clicked.
  const near = { onPointerEnter: refresh, onFocus: refresh };
  if (attachment.inline && attachment.thumbnail) {
    return (
      <a class="message-file message-file-image" href={urls?.path} target="_blank" rel="noopener noreferrer" {...near}>
        {urls?.thumbnailPath ? <img src={urls.thumbnailPath} alt={attachment.name} loading="lazy" /> : attachment.name}
      </a>
    );
  }
  return (
    <a class="message-file" href={urls?.path} download={attachment.name} rel="noopener noreferrer" {...near}>
      <span dir="auto">{attachment.name}</span> <small>{sizeText(attachment.size)}</small>
    </a>
  );
}

/** Props of {@link MessageFiles}. */
export interface MessageFilesProps {
  files: ConsoleFiles;
  attachments: readonly Attachment[];
}

/** The files of a message, under its text. */
export function MessageFiles({ files, attachments }: MessageFilesProps) {
  addStyles();
  return (
    <div class="message-files">
      {attachments.map((attachment) => (
        <FileItem key={attachment.id} files={files} attachment={attachment} />
      ))}
    </div>
  );
}
