/**
 * The pre-chat form (the widget's `preChat` setting): the visitor's name, e-mail address and phone number, as the widget
 * asks for them, before their first message. Checked here first (required fields given, an address's shape, and a
 * phone number read by libphonenumber-js as the server reads it: E.164, or national in the widget's default country),
 * then sent with `client.submitContact`: the server reads them again and answers with an issue per field it refuses,
 * shown under that field. The server also refuses a first message without a required
 * field, whatever a page sends. In the lazily loaded chunk with the rating form: only visitors of widgets with a form,
 * before their first message, pay for it; the phone number's check (`phone-number.ts`, libphonenumber-js) is a chunk
 * of its own, loaded when the visitor goes to the phone field.
 * @module
 */
import { useState } from 'preact/hooks';
import type { Catalog } from './i18n/en.js';
import { Topics } from './topics.js';
import type { WidgetClient } from './widget-client.js';

type FormClient = Pick<WidgetClient, 'session' | 'submitContact'>;

type Field = 'name' | 'email' | 'phone';
const FIELDS: Field[] = ['name', 'email', 'phone'];
/**
 * The clients whose visitor answered the form on this page: the server's `session.preChat` still asks until the next
 * session, and the panel (with the form) is drawn anew each time it opens.
 */
const answered = new WeakSet<object>();

/** Each field's label in the catalog. */
const LABELS = { name: 'preChatName', email: 'preChatEmail', phone: 'preChatPhone' } as const;
/** Each field's input type: the right keyboard on a phone. */
const INPUT_TYPES = { name: 'text', email: 'email', phone: 'tel' } as const;

/**
 * What the visitor wrote in `field`, trimmed, checked as the widget can: the words of the problem, or undefined. A
 * phone number is read as the server reads it (`parsePhone` there: libphonenumber-js with the same metadata and the
 * widget's default country), so the visitor hears of a wrong number before anything is sent.
 */
async function problem(
  field: Field,
  value: string,
  required: boolean,
  text: Catalog,
  defaultCountry: string | undefined,
): Promise<string | undefined> {
  if (!value) return required ? text[`${field}Missing`] : undefined;
  if (field === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return text.emailInvalid;
  if (field === 'phone') {
    const { isPhoneNumber } = await import('./phone-number.js');
    if (!isPhoneNumber(value, defaultCountry)) return text.phoneInvalid;
  }
  return undefined;
}

/**
 * What the panel shows before the visitor's first message: the topic picker (as it is) and the pre-chat form. Each
 * shows itself only when it applies.
 */
export function BeforeChat({ client, text }: { client: Parameters<typeof Topics>[0]['client'] & FormClient; text: Catalog }) {
  return (
    <>
      <Topics client={client} text={text} />
      <PreChat client={client} text={text} />
    </>
  );
}

/**
 * The form for the fields the widget asks for, while the server says the visitor is to answer it (`session.preChat`:
 * no conversation yet, and not answered before: the client presents the answer in every handshake); nothing
 * otherwise. While shown it hides the composer (a rule of its own, so the main chunk pays nothing for it): the first
 * message waits for the form. Answered, it says so until the first message. A form of optional fields may be
 * answered empty: nothing is sent, and it is asked again on the next page.
 */
export function PreChat({ client, text }: { client: FormClient; text: Catalog }) {
  const [values, setValues] = useState<Record<Field, string>>({ name: '', email: '', phone: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [failure, setFailure] = useState<string>();
  const [sending, setSending] = useState(false);
  const [, redraw] = useState(0);
  const { session } = client;
  // Sent by the server only while the visitor is to answer it: no conversation yet, and not answered before.
  const preChat = session?.preChat;
  const fields = FIELDS.filter((field) => preChat && preChat[field] !== 'off');
  if (!preChat || !fields.length || session.conversation) return null;
  if (answered.has(client)) {
    return (
      <p class="line muted" role="status">
        {text.preChatDone}
      </p>
    );
  }

  async function submit(event: Event) {
    event.preventDefault();
    // The composer is drawn again once the form goes: give it the focus the form's button had. Read before the checks
    // wait: the event's currentTarget is gone by then.
    const panel = (event.currentTarget as HTMLElement).parentNode as ParentNode;
    const details: Partial<Record<Field, string>> = {};
    const found: Partial<Record<Field, string>> = {};
    for (const field of fields) {
      const value = values[field].trim();
      const wrong = await problem(field, value, preChat![field] === 'required', text, session!.widget.defaultCountry);
      if (wrong) found[field] = wrong;
      else if (value) details[field] = value;
    }
    setErrors(found);
    setFailure(undefined);
    if (Object.keys(found).length) return;
    const focusComposer = () => setTimeout(() => panel.querySelector<HTMLElement>('.composer textarea')?.focus());
    const done = () => {
      answered.add(client);
      redraw((count) => count + 1);
      focusComposer();
    };
    if (!Object.keys(details).length) return done();
    setSending(true);
    try {
      await client.submitContact(details);
      done();
    } catch (error) {
      // The server's words under the field it names ("That is not a phone number."); anything else under the button.
      const issues = (error as { issues?: Array<{ path: string; message: string }> }).issues ?? [];
      const byField: Partial<Record<Field, string>> = {};
      for (const issue of issues) {
        const field = FIELDS.find((name) => issue.path === name || issue.path.endsWith(`.${name}`));
        if (field && fields.includes(field)) byField[field] ??= issue.message;
      }
      setErrors(byField);
      if (!Object.keys(byField).length) setFailure(error instanceof Error ? error.message : String(error));
      setSending(false);
    }
  }

  return (
    <form class="rating pre-chat" aria-labelledby="parley-pre-chat" noValidate onSubmit={(event) => void submit(event)}>
      <style>{'.composer{display:none}'}</style>
      <p id="parley-pre-chat">{text.preChat}</p>
      {fields.map((field) => {
        const id = `parley-pre-chat-${field}`;
        const required = preChat[field] === 'required';
        const error = errors[field];
        return (
          <div key={field}>
            <label for={id}>
              {text[LABELS[field]]}
              {required && <span class="required"> ({text.preChatRequired})</span>}
            </label>
            <input
              id={id}
              name={field}
              // One of text, email, tel (Preact's types take a literal type, not a union of them).
              type={INPUT_TYPES[field] as 'text'}
              autocomplete={field === 'phone' ? 'tel' : field}
              aria-required={required}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              value={values[field]}
              onInput={(event) => {
                const value = event.currentTarget.value;
                setValues((current) => ({ ...current, [field]: value }));
              }}
              // The number's check (27 KB gz) starts loading while the visitor types it, not when they send it.
              onFocus={field === 'phone' ? () => void import('./phone-number.js') : undefined}
            />
            {error && (
              <p id={`${id}-error`} class="error" role="alert">
                {error}
              </p>
            )}
          </div>
        );
      })}
      <button type="submit" class="send" disabled={sending}>
        {text.preChatStart}
      </button>
      {failure && <p role="alert">{failure}</p>}
    </form>
  );
}
