/**
 * "What can we help you with?": the widget's pre-chat topics (`session.topics`), one button each, before the visitor's
 * first message. The topic picked goes with that message (`client.chooseTopic`) and routes the conversation to the
 * topic's team. Picking is optional: the visitor may just write. In the lazily loaded chunk with the rating form: only
 * visitors of widgets with topics, before their first message, pay for it.
 * @module
 */
import { useState } from 'preact/hooks';
import type { Catalog } from './i18n/en.js';
import type { WidgetClient } from './widget-client.js';

/**
 * The topics to pick from while the visitor has no conversation and nothing waiting to be sent (a message queued
 * offline already carries the topic chosen when it was written); nothing otherwise. Pressing the chosen topic again
 * clears the choice.
 */
export function Topics({ client, text }: { client: Pick<WidgetClient, 'session' | 'pending' | 'topic' | 'chooseTopic'>; text: Catalog }) {
  // The choice lives in the client (it survives closing the panel); this only redraws after a change.
  const [, redraw] = useState(0);
  const { session, topic } = client;
  const topics = session?.topics;
  if (session?.conversation || !topics?.length || client.pending.length) return null;

  return (
    <div class="rating topics" role="group" aria-labelledby="parley-topics">
      <p id="parley-topics">{text.topics}</p>
      <div>
        {topics.map(({ id, label }) => (
          <button
            key={id}
            type="button"
            aria-pressed={id === topic}
            onClick={() => {
              client.chooseTopic(id === topic ? null : id);
              redraw((count) => count + 1);
            }}
          >
            {label}
          </button>
        ))}
      </div>
    </div>
  );
}
