/**
 * The top bar's "Alerts" button and its small panel: a switch for the sound, one for desktop notifications. Turning
 * desktop notifications on asks the browser's permission, from that click and never before.
 * @module
 */
import type { AgentPreferences, AgentPreferencesUpdate } from '@parley/protocol';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { NotificationAccess } from '../alerts.js';

/** Props of {@link AlertsMenu}. */
export interface AlertsMenuProps {
  preferences: AgentPreferences;
  /** Saves a change; resolves null once saved, or with what went wrong. */
  onChange: (change: AgentPreferencesUpdate) => Promise<string | null>;
  /** The browser's notifications; null where there are none. */
  notifications: NotificationAccess | null;
  /** Whether the panel is open; the workspace closes it on Escape. */
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

const blocked = 'Your browser blocks notifications from this site. Allow them in its site settings, then turn this switch on again.';

/** The "Alerts" button and, when open, the panel under it. */
export function AlertsMenu({ preferences, onChange, notifications, open, onOpenChange }: AlertsMenuProps) {
  const id = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const [message, setMessage] = useState<string | null>(null);
  const wasOpen = useRef(open);

  useEffect(() => {
    // Closed (Escape, or the button) with the focus inside: it goes back to the button rather than to the page.
    if (wasOpen.current && !open) {
      const active = document.activeElement;
      if (!active || active === document.body || panelRef.current?.contains(active) === false) buttonRef.current?.focus();
    }
    if (!open) setMessage(null);
    wasOpen.current = open;
  }, [open]);

  async function save(change: AgentPreferencesUpdate) {
    const error = await onChange(change);
    if (error) setMessage(error);
  }

  function toggleDesktop(on: boolean) {
    setMessage(null);
    if (!on) {
      void save({ desktopNotifications: false });
      return;
    }
    if (!notifications) {
      setMessage('This browser cannot show desktop notifications.');
      return;
    }
    if (notifications.permission === 'granted') {
      void save({ desktopNotifications: true });
      return;
    }
    if (notifications.permission === 'denied') {
      setMessage(blocked);
      return;
    }
    // Asked here, in the click's own call: browsers ignore a request that no gesture of the agent's started.
    notifications.requestPermission().then(
      (permission) => {
        if (permission === 'granted') void save({ desktopNotifications: true });
        else setMessage(permission === 'denied' ? blocked : 'Notifications were not allowed, so they stay off.');
      },
      () => setMessage('The browser did not let the console ask; notifications stay off.'),
    );
  }

  const desktopOn = preferences.desktopNotifications && notifications?.permission === 'granted';
  const desktopPending = preferences.desktopNotifications && notifications !== null && notifications.permission !== 'granted';

  return (
    <div class="alerts-menu">
      <button
        ref={buttonRef}
        type="button"
        class="button button-ghost"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        onClick={() => onOpenChange(!open)}
      >
        Alerts
      </button>
      {open && (
        <div ref={panelRef} id={`${id}-panel`} class="alerts-panel" role="group" aria-label="Alerts">
          <label class="alerts-switch">
            <input
              type="checkbox"
              role="switch"
              checked={preferences.sound}
              onChange={(event) => {
                setMessage(null);
                void save({ sound: event.currentTarget.checked });
              }}
            />
            <span>Sound</span>
          </label>
          <label class="alerts-switch">
            <input
              type="checkbox"
              role="switch"
              checked={desktopOn}
              onChange={(event) => {
                const wanted = event.currentTarget.checked;
                // Controlled: shown as the outcome says, not as clicked.
                event.currentTarget.checked = desktopOn;
                toggleDesktop(wanted);
              }}
            />
            <span>Desktop notifications</span>
          </label>
          <p class="alerts-hint muted">For a conversation assigned to you, and a visitor's new message in one of yours.</p>
          {desktopPending && !message && (
            <p class="alerts-hint muted">This browser has not allowed notifications yet: turn the switch on to ask.</p>
          )}
          {message && (
            <p class="alerts-message" role="alert">
              {message}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
