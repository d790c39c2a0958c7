/**
 * "E-mail me this conversation": under a resolved conversation, when the server sends e-mail (`session.email`). In the
 * lazily loaded chunk with the rating form.
 *
 * The widget cannot tell whether the server holds the visitor's address, so the offer always opens a field for it:
 * filled in with the address the visitor left in this conversation, if any. Sent with what is in the field, or, left
 * empty, without an address: the server then uses the one the visitor left before, or says why it cannot.
 * @module
 */
import type { Message } from '@parley/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Catalog } from './i18n/en.js';
import type { WidgetClient } from './widget-client.js';

type Step = { step: 'offer' } | { step: 'form'; sending?: boolean; error?: string } | { step: 'sent'; email: string };

/** The address the visitor left in this conversation (its newest `contact_saved` line with one), or ''. */
function leftEmail(messages: readonly Message[]): string {
  let email = '';
  for (const { event } of messages) if (event?.type === 'contact_saved' && event.email) email = event.email;
  return email;
}

/** The offer of the transcript by e-mail, its address field and what came of it; nothing when the server sends none. */
export function Transcript({ client, text }: { client: Pick<WidgetClient, 'session' | 'messages' | 'requestTranscript'>; text: Catalog }) {
  const [state, setState] = useState<Step>({ step: 'offer' });
  const [email, setEmail] = useState('');
  // Focus follows the step, since the button pressed goes away: to the field, then to the confirmation.
  const field = useRef<HTMLInputElement>(null);
  const done = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (state.step !== 'offer') (field.current ?? done.current)?.focus();
  }, [state.step]);
  if (!client.session?.email) return null;

  if (state.step === 'offer') {
    return (
      <button
        type="button"
        class="transcript-offer"
        onClick={() => {
          setEmail(leftEmail(client.messages));
          setState({ step: 'form' });
        }}
      >
        {text.transcript}
      </button>
    );
  }

  if (state.step === 'sent') {
    return (
      <p class="transcript-sent" role="status" tabIndex={-1} ref={done}>
        {text.transcriptSent(state.email)}
      </p>
    );
  }

  async function send(event: Event) {
    event.preventDefault();
    // Pressing Send again meanwhile does nothing; the button stays enabled so it keeps the focus.
    if (state.step === 'form' && state.sending) return;
    setState({ step: 'form', sending: true });
    try {
      const sent = await client.requestTranscript(email.trim() || undefined);
      setState({ step: 'sent', email: sent.email });
    } catch (error) {
      // The field's own words ("That is not an e-mail address.") where the server gives them.
      const issue = (error as { issues?: Array<{ message: string }> }).issues?.[0]?.message;
      setState({ step: 'form', error: issue ?? (error instanceof Error ? error.message : String(error)) });
    }
  }

  return (
    <form class="rating transcript" aria-label={text.transcript} onSubmit={(event) => void send(event)}>
      <label>
        {text.transcriptEmail}
        <input
          ref={field}
          type="email"
          autocomplete="email"
          placeholder={text.emailPlaceholder}
          value={email}
          onInput={(event) => setEmail(event.currentTarget.value)}
        />
      </label>
      <button type="submit" class="send">
        {text.send}
      </button>
      {state.error && <p role="alert">{state.error}</p>}
    </form>
  );
}
