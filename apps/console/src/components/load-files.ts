/**
 * The chunk of files in the transcript (`files.tsx`: previews, download links, the reply box's "Attach files"), loaded
 * when first needed so that it stays out of the bundle every agent loads.
 * @module
 */

/** Loads the files chunk (once: later calls share its module). */
export const loadFiles = () => import('./files.js');
