/**
 * A file's bytes in base64, as the API takes an uploaded file in JSON (a knowledge-base PDF, a person's picture).
 * @module
 */

/** Reads `file` as base64. A data URL is encoded by the browser, without a binary string. */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.addEventListener('load', () => {
      const dataUrl = String(reader.result);
      resolve(dataUrl.slice(dataUrl.indexOf(',') + 1));
    });
    reader.addEventListener('error', () => reject(reader.error ?? new Error(`Couldn't read ${file.name}.`)));
    reader.readAsDataURL(file);
  });
}
