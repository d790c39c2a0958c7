/**
 * What the open panel draws beyond a message's words, a chunk loaded when the panel first opens: the attach button of
 * the composer (the chosen files are uploaded and sent at once, as a message named after them), the files of a message
 * (an image's preview, which opens the image; a download link for anything else) and the sources a bot reply cites.
 * File URLs are signed for five minutes: each is asked for when shown, and again when it has expired.
 * @module
 */
import type { Attachment, Message } from '@parley/client';
// Protocol's citation helpers live in a schema-free module: importing them brings no zod into the bundle.
import { citationHref, citationLabel, type Citation } from '@parley/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { MainCatalog } from './i18n/en.js';
import { withExtras } from './i18n/en-extras.js';
import styles from './files.css?inline';
import type { WidgetClient } from './widget-client.js';

type Client = Pick<WidgetClient, 'upload' | 'send' | 'attachmentUrl'>;
/** What showing files needs: their URLs. */
type Reader = Pick<WidgetClient, 'attachmentUrl'>;

/** The largest file the server takes (`ATTACHMENT_MAX_BYTES`), checked here first to say so at once. */
const MAX_BYTES = 10 * 1024 * 1024;
/** At most this many files in one message, as the server allows. */
const MAX_FILES = 5;

function reasonOf(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}

/** "1.2 MB", "34 KB", in the visitor's language. */
function sizeText(bytes: number, lang: string): string {
  const megabytes = bytes >= 1024 * 1024;
  const value = megabytes ? bytes / 1024 / 1024 : Math.max(1, Math.round(bytes / 1024));
  return `${value.toLocaleString(lang, { maximumFractionDigits: 1 })} ${megabytes ? 'MB' : 'KB'}`;
}

/**
 * The composer's attach button: opens the file picker, uploads what the visitor chose (up to five files), and sends
 * them in one message. Says what is going on in the composer's status line, and why a file was refused.
 */
export function AttachButton({
  client,
  text,
  onNotice,
}: {
  client: Client;
  text: MainCatalog;
  onNotice: (notice: { text: string; error?: boolean } | null) => void;
}) {
  const words = withExtras(text);
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  async function sendFiles(chosen: File[]) {
    if (chosen.length > MAX_FILES) return onNotice({ text: words.tooManyFiles(MAX_FILES), error: true });
    const large = chosen.find((file) => file.size > MAX_BYTES);
    if (large) return onNotice({ text: words.fileTooLarge(large.name, 10), error: true });
    setBusy(true);
    onNotice({ text: words.uploading });
    try {
      const uploaded: Attachment[] = [];
      for (const file of chosen) uploaded.push(await client.upload(file));
      await client.send(uploaded.map((attachment) => attachment.name).join(', '), {
        attachments: uploaded.map((attachment) => attachment.id),
      });
      onNotice(null);
    } catch (failure) {
      onNotice({ text: `${words.fileNotSent}: ${reasonOf(failure)}`, error: true });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <style>{styles}</style>
      <button
        type="button"
        class="attach"
        aria-label={words.attach}
        aria-busy={busy || undefined}
        onClick={() => busy || input.current?.click()}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
          <path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7-7l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l8-8" />
        </svg>
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

/** Signed URLs of a file, asked for when needed and again once expired. */
function useFileUrls(client: Reader, attachment: Attachment) {
  const [urls, setUrls] = useState<{ url: string; thumbnailUrl: string | null; expiresAt: string } | null>(null);
  const asking = useRef(false);
  const refresh = () => {
    if (asking.current || (urls && Date.parse(urls.expiresAt) - Date.now() > 10_000)) return;
    asking.current = true;
    client
      .attachmentUrl(attachment.id)
      .then(setUrls, () => undefined)
      .finally(() => (asking.current = false));
  };
  useEffect(refresh, [attachment.id]);
  return { urls, refresh };
}

/** One file of a message. */
function FileItem({ client, attachment, lang }: { client: Reader; attachment: Attachment; lang: string }) {
  const { urls, refresh } = useFileUrls(client, attachment);
  // A link's URL is renewed when the visitor comes near it, so it still works when clicked.
  const near = { onPointerEnter: refresh, onFocus: refresh };
  if (attachment.inline && attachment.thumbnail) {
    return (
      <a class="file image" href={urls?.url} target="_blank" rel="noopener noreferrer" {...near}>
        {urls?.thumbnailUrl ? <img src={urls.thumbnailUrl} alt={attachment.name} loading="lazy" /> : attachment.name}
      </a>
    );
  }
  return (
    <a class="file" href={urls?.url} download={attachment.name} rel="noopener noreferrer" {...near}>
      <span dir="auto">{attachment.name}</span> <small>{sizeText(attachment.size, lang)}</small>
    </a>
  );
}

/** The files of a message, under its text. */
export function Files({ client, attachments, text }: { client: Reader; attachments: Attachment[]; text: MainCatalog }) {
  return (
    <div class="files">
      <style>{styles}</style>
      {attachments.map((attachment) => (
        <FileItem key={attachment.id} client={client} attachment={attachment} lang={text.lang} />
      ))}
    </div>
  );
}

/** The knowledge-base passages a bot reply cites, numbered as in its text; linked when they have an http(s) URL. */
function Sources({ citations, label }: { citations: Citation[]; label: string }) {
  return (
    <ol class="sources" aria-label={label}>
      {citations.map((citation) => {
        const href = citationHref(citation);
        return (
          <li key={citation.index} value={citation.index}>
            {href ? (
              <a href={href} target="_blank" rel="noopener noreferrer">
                {citationLabel(citation)}
              </a>
            ) : (
              citationLabel(citation)
            )}
          </li>
        );
      })}
    </ol>
  );
}

/** What a message carries under its text: its files, and the sources it cites. */
export function Annex({ client, message, text }: { client: Reader; message: Message; text: MainCatalog }) {
  return (
    <>
      {message.attachments && <Files client={client} attachments={message.attachments} text={text} />}
      {message.citations && <Sources citations={message.citations} label={text.sources} />}
    </>
  );
}
