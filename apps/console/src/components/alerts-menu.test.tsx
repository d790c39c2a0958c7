// @vitest-environment happy-dom
import type { AgentPreferences, AgentPreferencesUpdate } from '@parley/protocol';
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NotificationAccess } from '../alerts.js';
import { AlertsMenu } from './alerts-menu.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

function fakeNotifications(initial: NotificationPermission, answer: NotificationPermission) {
  const access = {
    permission: initial,
    requestPermission: vi.fn(async () => {
      access.permission = answer;
      return answer;
    }),
    show: vi.fn(),
  } satisfies NotificationAccess;
  return access;
}

function mount(notifications: NotificationAccess | null, initial: AgentPreferences = { sound: true, desktopNotifications: false }) {
  const changes: AgentPreferencesUpdate[] = [];
  function Harness() {
    const [preferences, setPreferences] = useState(initial);
    const [open, setOpen] = useState(false);
    return (
      <AlertsMenu
        preferences={preferences}
        notifications={notifications}
        open={open}
        onOpenChange={setOpen}
        onChange={async (change) => {
          changes.push(change);
          setPreferences((current) => ({ ...current, ...change }));
          return null;
        }}
      />
    );
  }
  container = document.createElement('div');
  document.body.append(container);
  act(() => render(<Harness />, container));
  return { changes };
}

const button = () => container.querySelector<HTMLButtonElement>('button')!;
const switchNamed = (name: string) =>
  [...container.querySelectorAll<HTMLInputElement>('input[role="switch"]')].find((input) => input.parentElement?.textContent === name)!;

async function click(element: HTMLElement) {
  await act(async () => {
    element.click();
  });
}

describe('AlertsMenu', () => {
  it('opens a panel with the two switches, and never asks for permission until the agent turns notifications on', async () => {
    const notifications = fakeNotifications('default', 'granted');
    const { changes } = mount(notifications);
    expect(button().getAttribute('aria-expanded')).toBe('false');
    await click(button());
    expect(button().getAttribute('aria-expanded')).toBe('true');
    expect(switchNamed('Sound').checked).toBe(true);
    expect(switchNamed('Desktop notifications').checked).toBe(false);
    expect(notifications.requestPermission).not.toHaveBeenCalled();

    await click(switchNamed('Sound'));
    expect(changes).toEqual([{ sound: false }]);
    expect(notifications.requestPermission).not.toHaveBeenCalled();

    await click(switchNamed('Desktop notifications'));
    expect(notifications.requestPermission).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(changes).toEqual([{ sound: false }, { desktopNotifications: true }]));
    expect(switchNamed('Desktop notifications').checked).toBe(true);

    // Off again: no question asked.
    await click(switchNamed('Desktop notifications'));
    expect(changes.at(-1)).toEqual({ desktopNotifications: false });
    expect(notifications.requestPermission).toHaveBeenCalledTimes(1);
  });

  it('says so plainly when the browser refuses, and keeps notifications off', async () => {
    const notifications = fakeNotifications('default', 'denied');
    const { changes } = mount(notifications);
    await click(button());
    await click(switchNamed('Desktop notifications'));
    await vi.waitFor(() => expect(container.querySelector('[role="alert"]')?.textContent).toMatch(/blocks notifications/));
    expect(changes).toEqual([]);
    expect(switchNamed('Desktop notifications').checked).toBe(false);
  });

  it("doesn't ask again once blocked, and says when the browser has no notifications", async () => {
    const blocked = fakeNotifications('denied', 'denied');
    mount(blocked);
    await click(button());
    await click(switchNamed('Desktop notifications'));
    expect(blocked.requestPermission).not.toHaveBeenCalled();
    expect(container.querySelector('[role="alert"]')?.textContent).toMatch(/site settings/);
    render(null, container);
    container.remove();

    mount(null);
    await click(button());
    await click(switchNamed('Desktop notifications'));
    expect(container.querySelector('[role="alert"]')?.textContent).toBe('This browser cannot show desktop notifications.');
  });
});
