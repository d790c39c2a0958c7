/**
 * Copying what the console shows once or for pasting elsewhere (a secret, an invitation link, the embed snippet).
 * @module
 */

/**
 * Copies `text` to the clipboard; where the browser can't (no clipboard API, a page without permission), selects it
 * in `field` for the person to copy. Answers what to tell them, naming the text as `what` ("the link").
 */
export async function copyText(text: string, field: HTMLInputElement | HTMLTextAreaElement | null, what: string): Promise<string> {
  try {
    if (!navigator.clipboard) throw new Error('no clipboard');
    await navigator.clipboard.writeText(text);
    return 'Copied.';
  } catch {
    field?.select();
    return `Could not copy: ${what} is selected, press Ctrl+C (⌘C on a Mac).`;
  }
}
