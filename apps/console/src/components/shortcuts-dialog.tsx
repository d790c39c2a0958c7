/**
 * The keyboard shortcuts dialog (`?`): modal, the focus kept inside while it is open, Escape or "Close" closes it and
 * the focus goes back where it was.
 * @module
 */
import { useEffect, useId, useRef } from 'preact/hooks';
import { shortcutList } from '../shortcuts.js';

/** Props of {@link ShortcutsDialog}. */
export interface ShortcutsDialogProps {
  onClose: () => void;
}

const focusableSelector = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** Lists the workspace's shortcuts. */
export function ShortcutsDialog({ onClose }: ShortcutsDialogProps) {
  const id = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => {
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  function handleKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      // The workspace's own Escape (closing panels) is not for this one.
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab') {
      // Shortcuts don't reach the page behind a modal dialog.
      event.stopPropagation();
      return;
    }
    const focusable = [...(dialogRef.current?.querySelectorAll<HTMLElement>(focusableSelector) ?? [])];
    if (focusable.length === 0) return;
    const first = focusable[0]!;
    const last = focusable.at(-1)!;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !dialogRef.current?.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !dialogRef.current?.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    <div class="dialog-backdrop" onClick={(event) => event.target === event.currentTarget && onClose()}>
      <div ref={dialogRef} class="dialog" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} onKeyDown={handleKeyDown}>
        <h2 id={`${id}-title`}>Keyboard shortcuts</h2>
        <dl class="shortcut-list">
          {shortcutList.map((shortcut) => (
            <div key={shortcut.description} class="shortcut">
              <dt>
                {shortcut.keys.map((key, index) => (
                  <span key={key}>
                    {index > 0 && ' + '}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </dt>
              <dd>{shortcut.description}</dd>
            </div>
          ))}
        </dl>
        <div class="dialog-actions">
          <button ref={closeRef} type="button" class="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
