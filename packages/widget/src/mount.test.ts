// @vitest-environment happy-dom
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import { mount } from './mount.js';

describe('mount', () => {
  it('mounts the widget with its own client, and unmount removes it and closes the client', async () => {
    let widget!: ReturnType<typeof mount>;
    // Nothing listens on port 9 (discard): the client stays offline, which is all this test needs.
    await act(() => {
      widget = mount({ serverUrl: 'http://127.0.0.1:9', widgetKey: 'pk_test', open: true });
    });
    const host = document.querySelector<HTMLElement>('[data-parley-widget]')!;
    const root = host.shadowRoot!;
    expect(root.querySelector('[role="log"]')).not.toBeNull();
    expect(root.querySelector('button[aria-label="Close chat"]')).not.toBeNull();
    expect(widget.client.status).toBe('connecting');

    await act(() => widget.unmount());
    expect(host.isConnected).toBe(false);
    expect(widget.client.status).toBe('offline');
  });
});
