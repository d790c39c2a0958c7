// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TransferForm } from './transfer-form.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

describe('TransferForm', () => {
  it('closes on Escape wherever the focus is, unless something else took the key', async () => {
    const onCancel = vi.fn();
    container = document.createElement('div');
    document.body.append(container);
    act(() =>
      render(
        <TransferForm agents={[]} assigneeId={null} loadTeams={async () => []} onTransfer={async () => true} onCancel={onCancel} />,
        container,
      ),
    );
    const handled = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    handled.preventDefault();
    document.body.dispatchEvent(handled);
    expect(onCancel).not.toHaveBeenCalled();

    container.querySelector('textarea')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    expect(onCancel).toHaveBeenCalledTimes(1);
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    expect(onCancel).toHaveBeenCalledTimes(1);
  });
});
