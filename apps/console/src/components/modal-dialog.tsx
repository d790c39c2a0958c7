/**
 * A modal dialog: a titled panel over the page, the focus kept inside while it is open, Escape, the Close button or a
 * click on the backdrop closes it, and the focus goes back where it was.
 * @module
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

/** Props of {@link ModalDialog}. */
export interface ModalDialogProps {
  /** The dialog's heading, which also names it. */
  title: string;
  onClose: () => void;
  /** Extra classes of the panel (`dialog-wide`). */
  class?: string;
  children: ComponentChildren;
}

const focusableSelector = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** Shows `children` in a modal dialog headed by `title`, with a Close button. */
export function ModalDialog({ title, onClose, class: className, children }: ModalDialogProps) {
  const titleId = useId();
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
      // Escape closes this dialog only, not a panel of the page behind it.
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab') {
      // The workspace's shortcuts don't reach the page behind a modal dialog.
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
      <div
        ref={dialogRef}
        class={className ? `dialog ${className}` : 'dialog'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={handleKeyDown}
      >
        <div class="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button ref={closeRef} type="button" class="button" onClick={onClose}>
            Close
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}
