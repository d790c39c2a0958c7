/**
 * The widget's words in French, with the "vous" of the system lines (protocol's `systemEventText`). French typography:
 * a narrow no-break space before "?" and ":", a no-break space between a number and its unit. A chunk of its own,
 * loaded only for visitors whose language it is.
 * @module
 */
import type { Catalog } from './en.js';

/** French. */
export const fr: Catalog = {
  lang: 'fr',
  dir: 'ltr',
  title: 'Discutez avec nous',
  greeting: 'Bonjour\u202f! Comment pouvons-nous vous aider\u202f?',
  open: 'Ouvrir le chat',
  close: 'Fermer le chat',
  composer: 'Message',
  placeholder: 'Écrivez un message…',
  send: 'Envoyer',
  log: 'Messages',
  you: 'Vous',
  agent: 'Conseiller',
  bot: 'Assistant',
  typing: 'Un conseiller écrit…',
  botTyping: ' écrit…',
  human: 'Parler à un conseiller',
  sources: 'Sources',
  queued: 'En attente d’un conseiller…',
  queue: (position, minutes) =>
    `Vous êtes en position ${position} dans la file d’attente.${minutes === null ? '' : ` Réponse en général sous ${minutes}\u00a0min.`}`,
  alreadyHuman: 'Vous échangez déjà avec notre équipe.',
  humanFailed: 'Impossible de joindre un conseiller',
  sending: 'Envoi…',
  waiting: 'Pas encore envoyé\u202f: en attente de la connexion',
  offline: 'Vous êtes hors ligne. Vos messages partiront dès le retour de la connexion.',
  connectionFailed: 'Impossible de se connecter au chat',
  notSent: 'Message non envoyé',
  newMessages: 'Nouveaux messages',
  unread: (count) => (count === 1 ? '1 nouveau message' : `${count} nouveaux messages`),
  newFrom: (name) => `Nouveau message de ${name}`,
  rate: 'Comment s’est passée cette conversation\u202f?',
  stars: 'Note',
  star: (score) => `${score} sur 5`,
  comment: 'Autre chose à ajouter\u202f? (facultatif)',
  sendRating: 'Envoyer la note',
  rateFailed: 'Impossible d’envoyer votre note. Réessayez.',
  transcript: 'Recevoir cette conversation par e-mail',
  transcriptEmail: 'Votre adresse e-mail',
  emailPlaceholder: 'nom@exemple.fr',
  transcriptSent: (email) => `Envoyée à ${email}.`,
  contact: 'Laissez vos coordonnées',
  email: 'E-mail',
  phone: 'Téléphone (facultatif)',
  contactEmpty: 'Saisissez une adresse e-mail ou un numéro de téléphone.',
  topics: 'Comment pouvons-nous vous aider\u202f?',
};
