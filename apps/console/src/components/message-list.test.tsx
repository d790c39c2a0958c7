// @vitest-environment happy-dom
import { render, type ComponentChild } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { message } from '../__fixtures__/factories.js';
import { MessageList } from './message-list.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

function mount(vnode: ComponentChild) {
  container = document.createElement('div');
  document.body.append(container);
  act(() => render(vnode, container));
}

describe('MessageList', () => {
  it('renders markup in a message body as literal text', () => {
    const body = '<img src=x onerror=alert(1)>';
    mount(<MessageList messages={[message(1, { body })]} />);

    expect(container.querySelector('img')).toBeNull();
    const rendered = container.querySelector('.message-body');
    expect(rendered?.textContent).toBe(body);
    expect(rendered?.innerHTML).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('is a log with visitor, agent, bot and system messages styled apart', () => {
    mount(
      <MessageList
        agentId="agent-1"
        messages={[
          message(1, { body: 'Hi' }),
          message(2, { author: { kind: 'bot', id: null, name: null }, body: 'Let me find someone.' }),
          message(3, { author: { kind: 'system', id: null, name: null }, body: 'Grace joined.' }),
          message(4, { author: { kind: 'agent', id: 'agent-1', name: 'Grace' }, body: 'Hello!' }),
        ]}
      />,
    );

    const log = container.querySelector('[role="log"]');
    expect(log?.getAttribute('aria-label')).toBe('Messages');
    const classes = [...container.querySelectorAll('.message')].map((element) => element.className);
    expect(classes).toEqual([
      'message message-visitor',
      'message message-bot',
      'message message-system',
      'message message-agent message-own',
    ]);
  });

  it('shows a failed reply with its reason and a way to retry', () => {
    const retried: string[] = [];
    mount(
      <MessageList
        messages={[]}
        pending={[{ clientId: 'client-1', body: 'Hello', createdAt: '2025-01-01T12:00:00.000Z', status: 'failed', error: 'Slow down.' }]}
        onRetry={(clientId) => retried.push(clientId)}
      />,
    );

    expect(container.querySelector('.message-error')?.textContent).toContain('Slow down.');
    const retry = [...container.querySelectorAll('button')].find((button) => button.textContent === 'Retry');
    act(() => retry?.click());
    expect(retried).toEqual(['client-1']);
  });
});
