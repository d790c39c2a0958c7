/**
 * The keyboard shortcuts dialog (`?`), a {@link ModalDialog}: the focus kept inside while it is open, Escape or
 * "Close" closes it and the focus goes back where it was.
 * @module
 */
import { shortcutList } from '../shortcuts.js';
import { ModalDialog } from './modal-dialog.js';

/** Props of {@link ShortcutsDialog}. */
export interface ShortcutsDialogProps {
  onClose: () => void;
}

/** Lists the workspace's shortcuts. */
export function ShortcutsDialog({ onClose }: ShortcutsDialogProps) {
  return (
    <ModalDialog title="Keyboard shortcuts" onClose={onClose}>
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
    </ModalDialog>
  );
}
