/**
 * The unread reply's sound (the widget's `sound` setting): a chunk of its own, loaded the first time it plays.
 * @module
 */

/**
 * Plays a short, quiet chime. Browsers let a page make sound only once the visitor has interacted with it; before
 * that the chime is silent, which is as it should be.
 */
export function chime(): void {
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
