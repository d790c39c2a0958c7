/**
 * "Your profile" at the top of the People page, for everyone (the top bar's name opens the page): who the signed-in
 * person is, and their picture, which visitors see beside their replies and in the widget's header, and their team on
 * this page.
 * @module
 */
import type { Me } from '@parley/protocol';
import { useEffect, useId, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';
import { AvatarPicker } from './avatar-picker.js';

/** Props of {@link ProfileSection}. */
export interface ProfileSectionProps {
  api: Pick<ConsoleApi, 'me' | 'request'>;
  /** Told the picture's new URL once saved (null: removed), for the page's list of people. */
  onAvatarChange?: (avatarUrl: string | null) => void;
}

/** The signed-in person's name, e-mail address and picture, as `GET /api/me` has them, with their picture's controls. */
export function ProfileSection({ api, onAvatarChange }: ProfileSectionProps) {
  const titleId = useId();
  const [me, setMe] = useState<Me | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.me().then(
      (answer) => live && setMe(answer),
      (error: unknown) => live && setLoadError(errorMessage(error)),
    );
    return () => {
      live = false;
    };
  }, [api]);

  return (
    <section class="settings-section" aria-labelledby={titleId}>
      <h2 id={titleId}>Your profile</h2>
      {loadError ? (
        <p class="form-error" role="alert">
          {loadError}
        </p>
      ) : !me ? (
        <p class="hint">Loading…</p>
      ) : (
        <>
          <p>
            <strong>{me.agent.name}</strong> <span class="muted">{me.agent.email}</span>
          </p>
          <p class="hint">
            Visitors see your picture beside your replies and in the chat's header; your team sees it here. Without one, your initials show.
            A PNG, JPEG, GIF or WebP of up to 5 MB, cut to a square.
          </p>
          <AvatarPicker
            api={api}
            name={me.agent.name}
            avatarUrl={me.avatarUrl}
            path="/api/me/avatar"
            onChange={(avatarUrl) => {
              setMe({ ...me, avatarUrl });
              onAvatarChange?.(avatarUrl);
            }}
            size={64}
            own
          />
        </>
      )}
    </section>
  );
}
