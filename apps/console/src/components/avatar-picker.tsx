/**
 * Uploads or removes someone's picture: one's own (`/api/me/avatar`, the profile dialog) or, for an admin, a member's
 * (`/api/people/:userId/avatar`, the People page). The server checks the file and makes the picture; this control says
 * how it went.
 * @module
 */
import type { Avatar as AvatarAnswer } from '@parley/protocol';
import { useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';
import { Avatar } from './avatar.js';
import { readBase64 } from '../read-base64.js';

/** Props of {@link AvatarPicker}. */
export interface AvatarPickerProps {
  api: Pick<ConsoleApi, 'request'>;
  /** Whose picture: their name, for the initials and the controls' labels. */
  name: string;
  avatarUrl: string | null | undefined;
  /** The route that changes it: `/api/me/avatar` or `/api/people/:userId/avatar`. */
  path: string;
  /** Told the new URL once the server has the change (null: removed). */
  onChange: (avatarUrl: string | null) => void;
  /** The picture's width and height in CSS pixels (see {@link Avatar}). */
  size?: number;
  /** Words for the controls: "your" picture, or the person's by name. */
  own?: boolean;
}

/** The formats the server takes, for the file dialog (the server checks the bytes anyway). */
const ACCEPTED = 'image/png,image/jpeg,image/gif,image/webp';

/** The picture (or initials), a button to upload one and, when there is one, a button to remove it. */
export function AvatarPicker({ api, name, avatarUrl, path, onChange, size, own = false }: AvatarPickerProps) {
  const [busy, setBusy] = useState<'upload' | 'remove' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // In the People page's list, each control names its person, after the words it shows.
  const labelOf = (words: string) => (own ? undefined : `${words} of ${name}`);
  const uploadWords = avatarUrl ? 'Change picture' : 'Upload a picture';

  async function change(kind: 'upload' | 'remove', send: () => Promise<AvatarAnswer>, done: string) {
    setBusy(kind);
    setError(null);
    setNotice(null);
    try {
      const answer = await send();
      onChange(answer.avatarUrl);
      setNotice(done);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(null);
    }
  }

  function upload(file: File) {
    // The server checks the size and the kind, and says what is wrong.
    void change(
      'upload',
      async () => api.request<AvatarAnswer>('PUT', path, { imageBase64: await readBase64(file) }),
      own ? 'Your picture is saved.' : `${name}'s picture is saved.`,
    );
  }

  return (
    <div class="avatar-picker" style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '8px' }}>
      <Avatar name={name} url={avatarUrl} size={size} />
      {/* The file dialog opens from a button, as the reply box's "Attach files" does: the input itself stays hidden. */}
      <input
        ref={input}
        type="file"
        accept={ACCEPTED}
        hidden
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          // Emptied, so that picking the same file again is a change too.
          event.currentTarget.value = '';
          if (file) upload(file);
        }}
      />
      <button
        type="button"
        class="button"
        aria-label={labelOf(uploadWords)}
        disabled={busy !== null}
        onClick={() => input.current?.click()}
      >
        {busy === 'upload' ? 'Uploading…' : uploadWords}
      </button>
      {avatarUrl && (
        <button
          type="button"
          class="button button-ghost"
          aria-label={labelOf('Remove picture')}
          disabled={busy !== null}
          onClick={() =>
            void change(
              'remove',
              () => api.request<AvatarAnswer>('DELETE', path),
              own ? 'Your picture is removed: your initials show instead.' : `${name}'s picture is removed.`,
            )
          }
        >
          {busy === 'remove' ? 'Removing…' : 'Remove picture'}
        </button>
      )}
      {error && (
        <p class="form-error" role="alert" style={{ flexBasis: '100%', margin: 0 }}>
          {error}
        </p>
      )}
      {notice && (
        <p class="settings-saved" role="status" style={{ flexBasis: '100%', margin: 0 }}>
          {notice}
        </p>
      )}
    </div>
  );
}
