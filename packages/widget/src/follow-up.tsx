/**
 * "Leave your e-mail or phone number": under an `away` status line (nobody can answer now), until the visitor left one.
 * In the lazily loaded chunk with the rating form: only visitors who meet an empty team pay for it.
 * @module
 */
import { useState } from 'preact/hooks';
import type { Catalog } from './i18n/en.js';
import type { WidgetClient } from './widget-client.js';

/** The form for the newest `away` line of the client's conversation, or nothing once contact details were left. */
export function FollowUp({ client, text }: { client: Pick<WidgetClient, 'messages' | 'saveContact'>; text: Catalog }) {
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [state, setState] = useState<{ sending: boolean; error?: string }>({ sending: false });
  const { messages } = client;
  const away = messages.findLast((message) => message.event?.type === 'away');
  if (!away || messages.some((message) => message.seq > away.seq && message.event?.type === 'contact_saved')) return null;

  async function send(event: Event) {
    event.preventDefault();
    const details = { ...(email.trim() && { email: email.trim() }), ...(phone.trim() && { phone: phone.trim() }) };
    if (!details.email && !details.phone) return setState({ sending: false, error: text.contactEmpty });
    setState({ sending: true });
    try {
      // The `contact_saved` line arrives as a message and hides the form.
      await client.saveContact(details);
    } catch (error) {
      // The field's own words ("That is not a phone number.") where the server gives them.
      const issue = (error as { issues?: Array<{ message: string }> }).issues?.[0]?.message;
      setState({ sending: false, error: issue ?? (error instanceof Error ? error.message : String(error)) });
    }
  }

  return (
    <form class="rating" aria-label={text.contact} onSubmit={(event) => void send(event)}>
      <input
        type="email"
        autocomplete="email"
        aria-label={text.email}
        placeholder={text.email}
        value={email}
        onInput={(event) => setEmail(event.currentTarget.value)}
      />
      <input
        type="tel"
        autocomplete="tel"
        aria-label={text.phone}
        placeholder={text.phone}
        value={phone}
        onInput={(event) => setPhone(event.currentTarget.value)}
      />
      <button type="submit" class="send" disabled={state.sending}>
        {text.send}
      </button>
      {state.error && <p role="alert">{state.error}</p>}
    </form>
  );
}
