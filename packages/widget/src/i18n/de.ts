/**
 * The widget's words in German, with the "Sie" of the system lines (protocol's `systemEventText`). A chunk of its own,
 * loaded only for visitors whose language it is.
 * @module
 */
import type { Catalog } from './en.js';

/** German. */
export const de: Catalog = {
  lang: 'de',
  dir: 'ltr',
  title: 'Chatten Sie mit uns',
  greeting: 'Hallo! Wie können wir Ihnen helfen?',
  open: 'Chat öffnen',
  close: 'Chat schließen',
  composer: 'Nachricht',
  placeholder: 'Nachricht schreiben…',
  send: 'Senden',
  log: 'Nachrichten',
  you: 'Sie',
  agent: 'Mitarbeiter',
  bot: 'Assistent',
  typing: 'Ein Mitarbeiter schreibt…',
  botTyping: ' schreibt…',
  human: 'Mit einem Mitarbeiter sprechen',
  sources: 'Quellen',
  queued: 'Wir verbinden Sie mit einem Mitarbeiter…',
  queue: (position, minutes) =>
    `Sie sind auf Platz ${position} der Warteschlange.${minutes === null ? '' : ` Meist sind wir in ${minutes} Min. für Sie da.`}`,
  alreadyHuman: 'Sie sprechen bereits mit unserem Team.',
  humanFailed: 'Kein Mitarbeiter erreichbar',
  sending: 'Wird gesendet…',
  waiting: 'Noch nicht gesendet: Warten auf die Verbindung',
  offline: 'Sie sind offline. Ihre Nachrichten werden gesendet, sobald die Verbindung wieder steht.',
  connectionFailed: 'Keine Verbindung zum Chat',
  notSent: 'Nachricht nicht gesendet',
  rate: 'Wie war dieses Gespräch?',
  stars: 'Bewertung',
  star: (score) => `${score} von 5`,
  comment: 'Möchten Sie etwas ergänzen? (optional)',
  sendRating: 'Bewertung senden',
  rateFailed: 'Ihre Bewertung konnte nicht gesendet werden. Bitte versuchen Sie es noch einmal.',
  transcript: 'Dieses Gespräch per E-Mail erhalten',
  transcriptEmail: 'Ihre E-Mail-Adresse',
  emailPlaceholder: 'name@beispiel.de',
  transcriptSent: (email) => `An ${email} gesendet.`,
  contact: 'Kontaktdaten hinterlassen',
  email: 'E-Mail',
  phone: 'Telefon (optional)',
  contactEmpty: 'Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer ein.',
  topics: 'Wobei können wir Ihnen helfen?',
};
