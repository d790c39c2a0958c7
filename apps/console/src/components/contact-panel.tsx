/**
 * The contact panel beside the conversation: who the visitor is (name, e-mail, phone, editable; a "Verified" badge and
 * the site's user id when the site proved who they are with identity verification), where they are (the page, where
 * they came from), their browser and OS, their local time (from their time zone, kept to the minute) and language, and
 * their past conversations, each a link that opens it. Collapsible (a `<details>`), closed at first on narrow screens.
 * @module
 */
import { ParleyError, type Contact, type ContactEdit, type UserAgentPart } from '@parley/protocol';
import { useEffect, useId, useState } from 'preact/hooks';
import { formatFullTime, statusLabel } from '../format.js';
import { useNow } from '../use-now.js';

/** Props of {@link ContactPanel}. */
export interface ContactPanelProps {
  contactId: string;
  /** The conversation open beside the panel: marked in the list of conversations. */
  conversationId?: string;
  /** `GET /api/contacts/:contactId`. */
  load: (contactId: string) => Promise<Contact>;
  /** `PATCH /api/contacts/:contactId`; rejects with the server's `ParleyError` (field errors in `issues`). */
  save: (contactId: string, edit: ContactEdit) => Promise<Contact>;
  /** The console URL of a conversation, for the links (open in a new tab works). */
  conversationHref: (conversationId: string) => string;
  /** Opens a conversation in the console (a plain click on its link). */
  onOpenConversation: (conversationId: string) => void;
}

/** Screens narrower than this start with the panel closed. */
const NARROW_SCREEN = '(max-width: 760px)';
/** The local time shows minutes: a re-render every half minute keeps it right to the minute. */
const LOCAL_TIME_REFRESH_MS = 30_000;

type Field = 'name' | 'email' | 'phone';
const fields: { field: Field; label: string; type: 'text' | 'email' | 'tel' }[] = [
  { field: 'name', label: 'Name', type: 'text' },
  { field: 'email', label: 'E-mail', type: 'email' },
  { field: 'phone', label: 'Phone', type: 'tel' },
];

/** `url` when it is an http(s) URL, else null: anything else is shown as text, never as a link. */
export function safeHref(url: string | null): string | null {
  if (!url) return null;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** The time now in `timeZone` (`Tue 14:05`), or null for a zone this browser does not know. */
export function localTime(timeZone: string, now: Date): string | null {
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(now);
  } catch {
    return null;
  }
}

/** A language tag's name in the agent's language (`de-CH` → "Swiss German"), with the tag; the tag alone if unknown. */
export function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames(undefined, { type: 'language' }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}

function partText(part: UserAgentPart | null): string | null {
  return part ? [part.name, part.version].filter(Boolean).join(' ') : null;
}

function ExternalLink({ url }: { url: string | null }) {
  const href = safeHref(url);
  if (!url) return <span class="muted">Unknown</span>;
  if (!href) return <span class="contact-url">{url}</span>;
  return (
    <a class="contact-url" href={href} rel="noopener noreferrer" target="_blank" title={url}>
      {url}
    </a>
  );
}

/** The field errors of a refusal, by field (`body.email` and `email` both name the e-mail field). */
function fieldErrors(error: ParleyError): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  for (const issue of error.issues ?? []) {
    const field = issue.path.replace(/^body\./, '').split('.')[0];
    if (field === 'name' || field === 'email' || field === 'phone') errors[field] ??= issue.message;
  }
  return errors;
}

function EditForm(props: { contact: Contact; onSave: (edit: ContactEdit) => Promise<void>; onCancel: () => void }) {
  const id = useId();
  const [values, setValues] = useState<Record<Field, string>>({
    name: props.contact.name ?? '',
    email: props.contact.email ?? '',
    phone: props.contact.phone ?? '',
  });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (saving) return;
    // Only what changed; an emptied field clears the value.
    const edit: ContactEdit = {};
    for (const { field } of fields) {
      const value = values[field].trim();
      if (value !== (props.contact[field] ?? '')) edit[field] = value === '' ? null : value;
    }
    if (Object.keys(edit).length === 0) return props.onCancel();
    setSaving(true);
    setErrors({});
    setFormError(null);
    try {
      await props.onSave(edit);
    } catch (error) {
      const refusal = ParleyError.isInstance(error) ? error : new ParleyError('internal_error');
      const byField = fieldErrors(refusal);
      setErrors(byField);
      setFormError(Object.keys(byField).length > 0 ? null : refusal.message);
      setSaving(false);
    }
  }

  return (
    <form class="contact-edit" onSubmit={(event) => void submit(event)} noValidate>
      {fields.map(({ field, label, type }) => (
        <label key={field} class="contact-edit-field">
          <span>{label}</span>
          <input
            // Preact's input types take one literal type at a time, not a union of them.
            type={type as 'text'}
            name={field}
            // The agent types the visitor's details, not their own.
            autocomplete="off"
            value={values[field]}
            aria-invalid={errors[field] ? true : undefined}
            aria-describedby={errors[field] ? `${id}-${field}-error` : undefined}
            onInput={(event) => setValues({ ...values, [field]: event.currentTarget.value })}
          />
          {errors[field] && (
            <span id={`${id}-${field}-error`} class="field-error">
              {errors[field]}
            </span>
          )}
        </label>
      ))}
      {formError && (
        <p class="field-error" role="alert">
          {formError}
        </p>
      )}
      <div class="contact-edit-actions">
        <button type="submit" class="button button-primary" aria-disabled={saving || undefined}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" class="button button-ghost" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The visitor's details, their past conversations, and the form that edits name, e-mail and phone. */
export function ContactPanel(props: ContactPanelProps) {
  const { contactId } = props;
  const id = useId();
  const now = new Date(useNow(LOCAL_TIME_REFRESH_MS));
  const [contact, setContact] = useState<Contact | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [open] = useState(() => typeof matchMedia !== 'function' || !matchMedia(NARROW_SCREEN).matches);

  useEffect(() => {
    let current = true;
    setContact(null);
    setError(null);
    setEditing(false);
    props.load(contactId).then(
      (loaded) => current && setContact(loaded),
      (failure: unknown) => {
        if (!current) return;
        // A visitor who has not written yet has no contact: nothing is known about them.
        if (ParleyError.isInstance(failure) && failure.code === 'not_found') setError('Nothing is known about this visitor yet.');
        else setError(ParleyError.isInstance(failure) ? failure.message : 'The contact could not be loaded.');
      },
    );
    return () => {
      current = false;
    };
    // Reloaded for another contact only; `load` is a new function on every render of the workspace.
  }, [contactId]);

  async function save(edit: ContactEdit) {
    const saved = await props.save(contactId, edit);
    setContact(saved);
    setEditing(false);
  }

  const time = contact?.timeZone ? localTime(contact.timeZone, now) : null;
  const past = contact?.conversations ?? [];

  return (
    <details class="contact-panel" open={open} aria-labelledby={`${id}-title`}>
      <summary>
        <h3 id={`${id}-title`}>Contact</h3>
      </summary>
      {error && <p class="muted">{error}</p>}
      {!contact && !error && <p class="muted">Loading…</p>}
      {contact &&
        (editing ? (
          <EditForm contact={contact} onSave={save} onCancel={() => setEditing(false)} />
        ) : (
          <>
            <dl class="contact-details">
              <dt>Name</dt>
              <dd>
                {contact.name ?? <span class="muted">Not given</span>}
                {contact.verifiedAt && (
                  // Words, not colour alone; the server sets `externalId` whenever it sets `verifiedAt`.
                  <>
                    {' '}
                    <span
                      class="status-badge status-resolved"
                      title={`Verified by your site as user ${contact.externalId} on ${formatFullTime(contact.verifiedAt)}`}
                    >
                      Verified
                    </span>
                  </>
                )}
              </dd>
              {contact.externalId && (
                <>
                  <dt>User ID</dt>
                  <dd>{contact.externalId}</dd>
                </>
              )}
              <dt>E-mail</dt>
              <dd>{contact.email ? <a href={`mailto:${contact.email}`}>{contact.email}</a> : <span class="muted">Not given</span>}</dd>
              <dt>Phone</dt>
              <dd>{contact.phone ? <a href={`tel:${contact.phone}`}>{contact.phone}</a> : <span class="muted">Not given</span>}</dd>
              <dt>Page</dt>
              <dd>
                <ExternalLink url={contact.page} />
              </dd>
              <dt>Came from</dt>
              <dd>{contact.referrer ? <ExternalLink url={contact.referrer} /> : <span class="muted">Direct or unknown</span>}</dd>
              <dt>Browser</dt>
              <dd>{partText(contact.browser) ?? <span class="muted">Unknown</span>}</dd>
              <dt>System</dt>
              <dd>{partText(contact.os) ?? <span class="muted">Unknown</span>}</dd>
              <dt>Local time</dt>
              <dd>
                {time ? (
                  <span title={contact.timeZone ?? undefined}>
                    {time} <span class="muted">({contact.timeZone})</span>
                  </span>
                ) : (
                  <span class="muted">Unknown</span>
                )}
              </dd>
              <dt>Language</dt>
              <dd>{contact.language ? languageName(contact.language) : <span class="muted">Unknown</span>}</dd>
              <dt>Last seen</dt>
              <dd>{formatFullTime(contact.lastSeenAt)}</dd>
            </dl>
            <button type="button" class="button contact-edit-button" onClick={() => setEditing(true)}>
              Edit
            </button>
          </>
        ))}
      {contact && past.length > 0 && (
        <section class="contact-conversations" aria-labelledby={`${id}-conversations`}>
          <h4 id={`${id}-conversations`}>Conversations</h4>
          <ul>
            {past.map((conversation) => (
              <li key={conversation.id}>
                <a
                  href={props.conversationHref(conversation.id)}
                  aria-current={conversation.id === props.conversationId ? 'page' : undefined}
                  onClick={(event) => {
                    // A plain click opens it here; with a modifier key the browser opens a new tab or window.
                    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
                    event.preventDefault();
                    props.onOpenConversation(conversation.id);
                  }}
                >
                  <span class={`status-badge status-${conversation.status}`}>{statusLabel(conversation.status)}</span>{' '}
                  <span class="contact-conversation-time">{formatFullTime(conversation.createdAt)}</span>
                  {conversation.lastMessage && <span class="contact-conversation-preview">{conversation.lastMessage.body}</span>}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </details>
  );
}
