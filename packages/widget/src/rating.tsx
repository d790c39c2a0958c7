/**
 * "How was this conversation?": 1 to 5 stars and an optional comment, under a resolved conversation, until the visitor
 * rated this resolution; under it, the offer of the transcript by e-mail. A chunk of its own, loaded only once a
 * conversation is resolved: most visitors never pay for it.
 * @module
 */
import { useState } from 'preact/hooks';
import type { Catalog } from './i18n/en.js';
import { Transcript } from './transcript.js';
import type { WidgetClient } from './widget-client.js';

/** What a resolved conversation shows: the rating form until it is rated, and the transcript by e-mail when offered. */
export function Rating({
  client,
  text,
}: {
  client: Pick<WidgetClient, 'messages' | 'rate' | 'session' | 'requestTranscript'>;
  text: Catalog;
}) {
  return (
    <>
      <RatingForm client={client} text={text} />
      <Transcript client={client} text={text} />
    </>
  );
}

/** The rating form for the newest resolution of the client's conversation, or nothing once it is rated. */
function RatingForm({ client, text }: { client: Pick<WidgetClient, 'messages' | 'rate'>; text: Catalog }) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'idle' | 'sending' | 'failed'>('idle');
  const { messages } = client;
  const resolved = messages.findLast((message) => message.event?.type === 'resolved');
  if (!resolved || messages.some((message) => message.seq > resolved.seq && message.event?.type === 'rated')) return null;

  async function send(event: Event) {
    event.preventDefault();
    setState('sending');
    try {
      await client.rate(resolved!.seq, score, comment.trim() || undefined);
      // The `rated` line arrives as a message and hides the form.
    } catch {
      setState('failed');
    }
  }

  return (
    <form class="rating" aria-label={text.rate} onSubmit={(event) => void send(event)}>
      <p>{text.rate}</p>
      <div class="stars" role="group" aria-label={text.stars}>
        {[1, 2, 3, 4, 5].map((value) => (
          <button
            key={value}
            type="button"
            class={value <= score ? 'on' : undefined}
            aria-label={text.star(value)}
            aria-pressed={value === score}
            onClick={() => setScore(value)}
          >
            ★
          </button>
        ))}
      </div>
      {score > 0 && (
        <>
          <textarea
            rows={2}
            maxLength={1000}
            aria-label={text.comment}
            placeholder={text.comment}
            value={comment}
            onInput={(event) => setComment(event.currentTarget.value)}
          />
          <button type="submit" class="send" disabled={state === 'sending'}>
            {text.sendRating}
          </button>
        </>
      )}
      {state === 'failed' && <p role="alert">{text.rateFailed}</p>}
    </form>
  );
}
