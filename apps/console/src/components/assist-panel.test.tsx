// @vitest-environment happy-dom
import { emptyThread } from '@parley/client/thread';
import type { AssistAccepted, AssistRequest, ConversationStatus } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { agent, CONVERSATION_ID, message, summary } from '../__fixtures__/factories.js';
import { createAssistStore, type AssistStore } from '../assist.js';
import { AssistPanel } from './assist-panel.js';
import { ConversationView } from './conversation-view.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

const noop = () => {};
const source = { index: 1, documentId: 'd1', chunkId: 7, title: 'Returns', section: 'Return policy', url: 'https://shop.example/returns' };

/** A store whose requests get the ids `request-1`, `request-2`… at once; the test plays the server's events. */
function fakeAssist() {
  const requests: AssistRequest[] = [];
  const store = createAssistStore({
    request: async (payload): Promise<AssistAccepted> => {
      requests.push(payload);
      return { requestId: `request-${requests.length}` };
    },
    describeError: () => 'Something went wrong.',
  });
  return { store, requests };
}

async function mountPanel(
  store: AssistStore,
  props: { status?: ConversationStatus; hasBotMessages?: boolean; loaded?: boolean; onInsert?: (text: string) => void } = {},
) {
  container ??= document.createElement('div');
  if (!container.isConnected) document.body.append(container);
  await act(() =>
    render(
      <AssistPanel
        assist={store}
        conversationId={CONVERSATION_ID}
        status={props.status ?? 'queued'}
        loaded={props.loaded ?? true}
        hasBotMessages={props.hasBotMessages ?? true}
        onInsert={props.onInsert ?? noop}
      />,
      container,
    ),
  );
  // The request's ack.
  await act(async () => {});
}

/** Plays a server event into the store, as the controller would. */
async function serve(run: () => void) {
  await act(() => run());
}

function button(name: string): HTMLButtonElement {
  const found = [...container.querySelectorAll('button')].find((candidate) => candidate.textContent?.trim() === name);
  if (!found) throw new Error(`No button named ${name}`);
  return found;
}

const answers = () => [...container.querySelectorAll<HTMLElement>('.assist-answer')];

describe('AssistPanel', () => {
  it('shows the summary as it streams, busy until it ends, then its sources as links', async () => {
    const { store, requests } = fakeAssist();
    container = document.createElement('div');
    await mountPanel(store);
    expect(requests).toEqual([{ conversationId: CONVERSATION_ID, kind: 'summary' }]);

    await serve(() => store.delta({ requestId: 'request-1', text: 'The visitor asked ' }));
    const text = container.querySelector<HTMLElement>('.assist-text')!;
    expect(text.getAttribute('aria-live')).toBe('polite');
    expect(text.getAttribute('aria-busy')).toBe('true');
    expect(text.textContent).toBe('The visitor asked ');
    await serve(() => store.delta({ requestId: 'request-1', text: 'about returns <b>[1]</b>.' }));
    // Shown as text, never as markup.
    expect(text.textContent).toBe('The visitor asked about returns <b>[1]</b>.');
    expect(text.querySelector('b')).toBeNull();

    await serve(() => store.end({ requestId: 'request-1', text: 'The visitor asked about returns [1].', sources: [source] }));
    expect(text.getAttribute('aria-busy')).toBe('false');
    expect(text.textContent).toBe('The visitor asked about returns [1].');
    const link = container.querySelector<HTMLAnchorElement>('.assist-sources a')!;
    expect(link.href).toBe('https://shop.example/returns');
    expect(link.textContent).toBe('Returns › Return policy');
    expect(link.rel).toBe('noopener noreferrer');
  });

  it('asks for the summary by itself only for handed-off conversations, once per session', async () => {
    const { store, requests } = fakeAssist();
    container = document.createElement('div');
    // The bot is still answering; a conversation that never saw the bot; messages not loaded yet.
    await mountPanel(store, { status: 'bot' });
    await mountPanel(store, { status: 'queued', hasBotMessages: false });
    await mountPanel(store, { status: 'agent', loaded: false });
    expect(requests).toEqual([]);
    expect(answers()).toEqual([]);

    await mountPanel(store, { status: 'agent' });
    expect(requests).toEqual([{ conversationId: CONVERSATION_ID, kind: 'summary' }]);
    // Opened again later in the session: the summary is there already, nothing is asked again.
    render(null, container);
    await mountPanel(store, { status: 'queued' });
    expect(requests).toHaveLength(1);
    // The agent may still ask again, once it is done.
    expect(button('Summarize again').disabled).toBe(true);
    await serve(() => store.end({ requestId: 'request-1', text: 'The visitor wants a refund.', sources: [] }));
    await act(() => button('Summarize again').click());
    expect(requests).toHaveLength(2);
  });

  it('shows a failure inline with a Retry that asks again', async () => {
    const { store, requests } = fakeAssist();
    container = document.createElement('div');
    await mountPanel(store, { status: 'bot' });
    await act(() => button('Suggest a reply').click());
    await act(async () => {});
    await serve(() =>
      store.end({
        requestId: 'request-1',
        text: '',
        sources: [],
        error: { code: 'unavailable', message: 'The AI could not answer right now.' },
      }),
    );
    expect(container.querySelector('[role="alert"]')!.textContent).toContain('The AI could not answer right now.');
    expect(() => button('Insert')).toThrow();
    await act(() => button('Retry').click());
    expect(requests).toEqual([
      { conversationId: CONVERSATION_ID, kind: 'reply' },
      { conversationId: CONVERSATION_ID, kind: 'reply' },
    ]);
    expect(container.querySelector('[role="alert"]')).toBeNull();
  });

  it('inserts the suggested reply into the reply box, through the draft, without citation markers', async () => {
    const { store } = fakeAssist();
    const drafts: string[] = [];
    const typing: string[] = [];
    container = document.createElement('div');
    document.body.append(container);
    await act(() =>
      render(
        <ConversationView
          conversationId={CONVERSATION_ID}
          conversation={summary({ status: 'agent', assignee: { id: agent.id, name: agent.name } })}
          thread={{ ...emptyThread, loaded: true, messages: [message(1), message(2, { author: { kind: 'bot', id: null, name: 'Sam' } })] }}
          agent={agent}
          sendsEmail={null}
          notice={null}
          initialDraft="Hello Ada, "
          onDraftChange={(draft) => drafts.push(draft)}
          onSend={noop}
          onRetry={noop}
          onDiscard={noop}
          onUpdate={() => Promise.resolve()}
          agents={[]}
          loadTeams={() => Promise.resolve([])}
          onTransfer={() => Promise.resolve(true)}
          onOpenTicket={() => Promise.resolve()}
          onUpdateTicket={() => Promise.resolve()}
          onTyping={() => typing.push('typing')}
          onStopTyping={noop}
          onDismissNotice={noop}
          onReload={noop}
          onBack={noop}
          assist={store}
        />,
        container,
      ),
    );
    await act(async () => {});
    // Handed off, with the bot's messages: the summary was asked for as the conversation opened.
    expect(store.get(CONVERSATION_ID, 'summary')?.status).toBe('requesting');

    await act(() => button('Suggest a reply').click());
    await act(async () => {});
    await serve(() => store.delta({ requestId: 'request-2', text: 'You can return it within 30 days [1].' }));
    // Not before the suggestion is complete.
    expect(() => button('Insert')).toThrow();
    await serve(() => store.end({ requestId: 'request-2', text: 'You can return it within 30 days [1].', sources: [source] }));

    const box = container.querySelector<HTMLTextAreaElement>('textarea.reply-input')!;
    box.setSelectionRange(box.value.length, box.value.length);
    await act(() => button('Insert').click());
    expect(box.value).toBe('Hello Ada, You can return it within 30 days.');
    expect(drafts.at(-1)).toBe('Hello Ada, You can return it within 30 days.');
    expect(typing).toContain('typing');
    expect(document.activeElement).toBe(box);
    // The agent edits it like any draft.
    await act(() => {
      box.value = `${box.value} Anything else?`;
      box.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(drafts.at(-1)).toBe('Hello Ada, You can return it within 30 days. Anything else?');

    // A suggestion that only says nothing matched is not a reply: no Insert for it.
    await act(() => button('Suggest a reply').click());
    await act(async () => {});
    await serve(() =>
      store.end({
        requestId: 'request-3',
        text: 'No passage in the knowledge base matches; write your own reply.',
        sources: [],
        insertable: false,
      }),
    );
    expect(container.textContent).toContain('No passage in the knowledge base matches');
    expect(() => button('Insert')).toThrow();
  });
});
