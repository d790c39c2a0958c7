/**
 * The widget's words in Spanish, with the informal "tú" of the system lines (protocol's `systemEventText`). A chunk of
 * its own, loaded only for visitors whose language it is.
 * @module
 */
import type { Catalog } from './en.js';

/** Spanish. */
export const es: Catalog = {
  lang: 'es',
  dir: 'ltr',
  title: 'Chatea con nosotros',
  greeting: '¡Hola! ¿En qué podemos ayudarte?',
  open: 'Abrir chat',
  close: 'Cerrar chat',
  composer: 'Mensaje',
  placeholder: 'Escribe un mensaje…',
  send: 'Enviar',
  log: 'Mensajes',
  you: 'Tú',
  agent: 'Agente',
  bot: 'Asistente',
  typing: 'El agente está escribiendo…',
  botTyping: ' está escribiendo…',
  human: 'Hablar con una persona',
  sources: 'Fuentes',
  queued: 'Esperando a que te atienda una persona…',
  queue: (position, minutes) =>
    `Estás en el puesto ${position} de la cola.${minutes === null ? '' : ` Suele tardar menos de ${minutes} min.`}`,
  alreadyHuman: 'Ya estás hablando con nuestro equipo.',
  humanFailed: 'No se ha podido avisar a una persona',
  sending: 'Enviando…',
  waiting: 'Aún no enviado: esperando la conexión',
  offline: 'No tienes conexión. Tus mensajes se enviarán cuando vuelva.',
  connectionFailed: 'No se ha podido conectar con el chat',
  notSent: 'Mensaje no enviado',
  newMessages: 'Mensajes nuevos',
  unread: (count) => (count === 1 ? '1 mensaje nuevo' : `${count} mensajes nuevos`),
  newFrom: (name) => `Nuevo mensaje de ${name}`,
  rate: '¿Qué tal ha ido la conversación?',
  stars: 'Valoración',
  star: (score) => `${score} de 5`,
  comment: '¿Algo que añadir? (opcional)',
  sendRating: 'Enviar valoración',
  rateFailed: 'No se ha podido enviar tu valoración. Inténtalo de nuevo.',
  transcript: 'Enviarme esta conversación por correo',
  transcriptEmail: 'Tu correo electrónico',
  emailPlaceholder: 'nombre@ejemplo.com',
  transcriptSent: (email) => `Enviada a ${email}.`,
  contact: 'Déjanos tus datos de contacto',
  email: 'Correo electrónico',
  phone: 'Teléfono (opcional)',
  contactEmpty: 'Escribe un correo electrónico o un número de teléfono.',
  topics: '¿En qué podemos ayudarte?',
};
