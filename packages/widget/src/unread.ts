/**
 * What a reply that arrives unread does beyond the launcher's badge: the page's title names its author once, for a
 * few seconds, and the widget's `sound` setting plays a chime. A chunk of its own, loaded the first time a reply
 * arrives unread: most page views never see one.
 * @module
 */

/**
 * Shows `title` as the page's title for four seconds (unless the page changes its title meanwhile) and, with
 * `sound`, plays a chime. Returns the function that puts the page's title back at once.
 */
export function announce(title: string, sound: boolean | undefined): () => void {
  if (sound) chime();
  const before = document.title;
  const shown = (document.title = title);
  const restore = () => document.title === shown && (document.title = before);
  const timer = setTimeout(restore, 4000);
  return function stop() {
    clearTimeout(timer);
    restore();
  };
}

/**
 * Plays a short, quiet chime. Browsers let a page make sound only once the visitor has interacted with it; before
 * that the chime is silent, which is as it should be.
 */
function chime(): void {
  const audio = new AudioContext();
  const tone = audio.createOscillator();
  const volume = audio.createGain();
  tone.frequency.value = 880;
  volume.gain.setValueAtTime(0.08, audio.currentTime);
  volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.3);
  tone.connect(volume).connect(audio.destination);
  tone.addEventListener('ended', () => void audio.close());
  tone.start();
  tone.stop(audio.currentTime + 0.3);
}
