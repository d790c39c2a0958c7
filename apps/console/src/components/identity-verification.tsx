/**
 * Settings → Widgets, "Identity verification" (admins): how a widget's site proves who its signed-in visitors are. The
 * HS256 secret Parley generates (shown once; rotated with a day during which the old one still works; removed), the
 * public key of the site's own key pair (PEM or JWK, its algorithm detected by the server), and how the site's server
 * signs a token. The calls to `/api/widgets/:widgetId/identity-verification` go over the console's generic `request`,
 * and only the Settings → Widgets chunk imports this file: none of it is in the bundle every agent loads.
 * @module
 */
import { ParleyError, type IdentityVerification, type IdentityVerificationPatch } from '@parley/protocol';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';
import { formatFullTime } from '../format.js';
import { OnceSecret } from './once-secret.js';

/**
 * The protocol's `PUBLIC_KEY_MAX_LENGTH`, written out: importing it from `@parley/protocol` would bring its zod schemas,
 * and zod, into the Settings → Widgets chunk (a test checks that the two agree).
 */
export const PUBLIC_KEY_MAX_LENGTH = 8192;

const path = (widgetId: string) => `/api/widgets/${encodeURIComponent(widgetId)}/identity-verification`;

/** The `/api/widgets/:widgetId/identity-verification` routes, over the console's generic request (same token, errors). */
export function identityVerificationApi({ request }: Pick<ConsoleApi, 'request'>) {
  return {
    get: (widgetId: string) => request<IdentityVerification>('GET', path(widgetId)),
    update: (widgetId: string, patch: IdentityVerificationPatch) => request<IdentityVerification>('PATCH', path(widgetId), patch),
  };
}

/** How the site's server signs a token for its signed-in user (Node, `jose`), and how the page hands it to the widget. */
export const signingSample = `// On your server, for the signed-in user (npm install jose):
import { SignJWT } from 'jose';

const token = await new SignJWT({ name: user.name, email: user.email })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject(String(user.id))
  .setIssuedAt()
  .setExpirationTime('1h')
  .sign(new TextEncoder().encode(process.env.PARLEY_IDENTITY_SECRET));

// In the page that shows the widget, with the token from your server:
Parley.identify({ token });`;

/** Props of {@link IdentityVerificationSection}. */
export interface IdentityVerificationSectionProps {
  api: Pick<ConsoleApi, 'request'>;
  widgetId: string;
}

/** The messages of the issues that name the public key, or null when the refusal names no such field. */
function keyIssues(error: unknown): string | null {
  if (!ParleyError.isInstance(error) || error.code !== 'invalid_payload') return null;
  const messages = (error.issues ?? []).filter((issue) => /^(body\.)?publicKey\b/.test(issue.path)).map((issue) => issue.message);
  return messages.length > 0 ? messages.join(' ') : null;
}

/** The widget's identity verification: its secret, its public key, and how to sign a token. */
export function IdentityVerificationSection({ api, widgetId }: IdentityVerificationSectionProps) {
  const calls = useRef(identityVerificationApi(api)).current;
  const id = useId();
  const [settings, setSettings] = useState<IdentityVerification | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** The secret just generated: shown until the admin is done with it, and never again. */
  const [newSecret, setNewSecret] = useState<string | null>(null);
  const [secretError, setSecretError] = useState<string | null>(null);
  const [keyDraft, setKeyDraft] = useState('');
  /** The server's (or the form's) reason for refusing the key, shown under the field. */
  const [keyError, setKeyError] = useState<string | null>(null);
  /** A refusal that names no field (offline, forbidden…). */
  const [keyFormError, setKeyFormError] = useState<string | null>(null);
  const [keyStatus, setKeyStatus] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    calls.get(widgetId).then(
      (loaded) => {
        if (!current) return;
        setSettings(loaded);
        setKeyDraft(loaded.publicKey?.key ?? '');
      },
      (error: unknown) => current && setLoadError(errorMessage(error)),
    );
    return () => {
      current = false;
    };
  }, [widgetId]);

  /** Sends a change; answers the new settings, or null after showing why it was refused (`onError`). */
  async function update(patch: IdentityVerificationPatch, onError: (error: unknown) => void): Promise<IdentityVerification | null> {
    setBusy(true);
    try {
      const { newSecret: secret, ...saved } = await calls.update(widgetId, patch);
      setSettings(saved);
      return { ...saved, newSecret: secret };
    } catch (error) {
      onError(error);
      return null;
    } finally {
      setBusy(false);
    }
  }

  async function generate() {
    if (
      settings?.secret &&
      !confirm(
        'Rotate the secret? The current secret keeps working for 24 hours, time to give your site’s server the new one; after that, tokens signed with it are refused.',
      )
    )
      return;
    setSecretError(null);
    setNewSecret(null);
    const answer = await update({ secret: 'generate' }, (error) => setSecretError(errorMessage(error)));
    if (answer?.newSecret) setNewSecret(answer.newSecret);
  }

  async function removeSecret() {
    if (!confirm('Remove the secret? Tokens signed with it, or with the one before it, are refused from now on.')) return;
    setSecretError(null);
    setNewSecret(null);
    await update({ secret: null }, (error) => setSecretError(errorMessage(error)));
  }

  function keyRefused(error: unknown) {
    const issues = keyIssues(error);
    setKeyError(issues);
    setKeyFormError(issues ? null : errorMessage(error));
  }

  async function saveKey(event: Event) {
    event.preventDefault();
    setKeyStatus(null);
    setKeyFormError(null);
    const key = keyDraft.trim();
    if (!key) {
      setKeyError('Paste the public key, in PEM or as a JWK.');
      return;
    }
    setKeyError(null);
    const answer = await update({ publicKey: key }, keyRefused);
    if (!answer) return;
    setKeyDraft(answer.publicKey?.key ?? '');
    setKeyStatus(answer.publicKey ? `Saved. Algorithm: ${answer.publicKey.algorithm}.` : 'Saved.');
  }

  async function removeKey() {
    if (!confirm('Remove the public key? Tokens signed with its private key are refused from now on.')) return;
    setKeyStatus(null);
    setKeyError(null);
    setKeyFormError(null);
    const answer = await update({ publicKey: null }, keyRefused);
    if (!answer) return;
    setKeyDraft('');
    setKeyStatus('Removed.');
  }

  const titleId = `${id}-title`;
  const keyHintId = `${id}-key-hint`;
  const keyErrorId = `${id}-key-error`;
  return (
    <section class="settings-section" aria-labelledby={titleId}>
      <h2 id={titleId}>Identity verification</h2>
      <p class="hint">
        Lets your site prove who its signed-in visitors are: its server signs a short-lived token for the user, and the page passes it to
        the widget. Agents then see the contact as Verified, with your user ID, and the same user’s conversations on any device.
      </p>
      {loadError && (
        <p class="form-error" role="alert">
          {loadError}
        </p>
      )}
      {!settings && !loadError && <p class="hint">Loading…</p>}
      {settings && (
        <>
          <h3 class="team-settings-name">Secret (HS256)</h3>
          <p>
            {settings.secret ? (
              <>
                Secret <code>{settings.secret.hint}…</code>, made {formatFullTime(settings.secret.createdAt)}.
              </>
            ) : (
              'No secret: tokens signed with a secret are refused.'
            )}
          </p>
          {settings.previousSecretExpiresAt && (
            <p class="hint">The previous secret is still accepted until {formatFullTime(settings.previousSecretExpiresAt)}.</p>
          )}
          {newSecret && (
            <OnceSecret
              title="Your new identity secret"
              label="New secret"
              secret={newSecret}
              note={`Copy it now and keep it on your site’s server (as PARLEY_IDENTITY_SECRET in the sample below): it won’t be shown again.${
                settings.previousSecretExpiresAt
                  ? ` The previous secret keeps working until ${formatFullTime(settings.previousSecretExpiresAt)}.`
                  : ''
              }`}
              onDone={() => setNewSecret(null)}
            />
          )}
          <div class="settings-actions">
            <button type="button" class="button" disabled={busy} onClick={() => void generate()}>
              {settings.secret ? 'Rotate secret' : 'Generate secret'}
            </button>
            {settings.secret && (
              <button type="button" class="button button-danger" disabled={busy} onClick={() => void removeSecret()}>
                Remove secret
              </button>
            )}
          </div>
          {secretError && (
            <p class="form-error" role="alert">
              {secretError}
            </p>
          )}

          <h3 class="team-settings-name">Public key</h3>
          <form class="settings-field" noValidate onSubmit={(event) => void saveKey(event)}>
            <label class="field">
              <span class="field-label">Public key (PEM or JWK)</span>
              <textarea
                rows={5}
                spellcheck={false}
                maxLength={PUBLIC_KEY_MAX_LENGTH}
                class="snippet-code"
                placeholder="-----BEGIN PUBLIC KEY-----"
                value={keyDraft}
                aria-invalid={keyError ? 'true' : undefined}
                aria-describedby={[keyHintId, keyError ? keyErrorId : ''].filter(Boolean).join(' ')}
                onInput={(event) => {
                  setKeyDraft(event.currentTarget.value);
                  setKeyStatus(null);
                }}
              />
            </label>
            <p id={keyHintId} class="hint">
              {settings.publicKey
                ? `Algorithm: ${settings.publicKey.algorithm}. Tokens signed with its private key are accepted.`
                : 'Instead of the secret, or beside it: the public half of your own key pair (RS256, ES256, EdDSA…), so that Parley never holds anything that signs.'}
            </p>
            {keyError && (
              <p id={keyErrorId} class="field-error">
                {keyError}
              </p>
            )}
            {keyFormError && (
              <p class="form-error" role="alert">
                {keyFormError}
              </p>
            )}
            <div class="settings-actions">
              <button type="submit" class="button button-primary" disabled={busy}>
                Save key
              </button>
              {settings.publicKey && (
                <button type="button" class="button button-danger" disabled={busy} onClick={() => void removeKey()}>
                  Remove key
                </button>
              )}
              <span class="settings-saved" role="status">
                {keyStatus}
              </span>
            </div>
          </form>

          <h3 class="team-settings-name">Signing a token</h3>
          <p class="hint">
            The token’s <code>sub</code> is your user ID; <code>exp</code> is required, at most 24 hours ahead; <code>name</code>,{' '}
            <code>email</code> and <code>phone</code> are optional. With your own key pair, sign with its private key and that key’s
            algorithm instead. With the SDK, call <code>client.identify({'{ token }'})</code>.
          </p>
          <pre class="tool-call-json" tabIndex={0} aria-label="Signing a token in Node">
            <code>{signingSample}</code>
          </pre>
        </>
      )}
    </section>
  );
}
