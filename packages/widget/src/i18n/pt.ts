/**
 * The widget's words in Portuguese (Brazilian, with "você", as the system lines of protocol's `systemEventText`). A
 * chunk of its own, loaded only for visitors whose language it is.
 * @module
 */
import type { Catalog } from './en.js';

/** Portuguese. */
export const pt: Catalog = {
  lang: 'pt',
  dir: 'ltr',
  title: 'Fale conosco',
  greeting: 'Olá! Como podemos ajudar?',
  open: 'Abrir chat',
  close: 'Fechar chat',
  composer: 'Mensagem',
  placeholder: 'Escreva uma mensagem…',
  send: 'Enviar',
  log: 'Mensagens',
  you: 'Você',
  agent: 'Atendente',
  bot: 'Assistente',
  typing: 'O atendente está digitando…',
  botTyping: ' está digitando…',
  human: 'Falar com um atendente',
  sources: 'Fontes',
  queued: 'Aguardando um atendente…',
  queue: (position, minutes) => `Você está na posição ${position} da fila.${minutes === null ? '' : ` Normalmente em até ${minutes} min.`}`,
  alreadyHuman: 'Você já está falando com a nossa equipe.',
  humanFailed: 'Não foi possível chamar um atendente',
  sending: 'Enviando…',
  waiting: 'Ainda não enviada: aguardando a conexão',
  offline: 'Você está offline. Suas mensagens serão enviadas quando a conexão voltar.',
  connectionFailed: 'Não foi possível conectar ao chat',
  notSent: 'Mensagem não enviada',
  newMessages: 'Novas mensagens',
  unread: (count) => (count === 1 ? '1 nova mensagem' : `${count} novas mensagens`),
  newFrom: (name) => `Nova mensagem de ${name}`,
  rate: 'Como foi esta conversa?',
  stars: 'Avaliação',
  star: (score) => `${score} de 5`,
  comment: 'Algo a acrescentar? (opcional)',
  sendRating: 'Enviar avaliação',
  rateFailed: 'Não foi possível enviar sua avaliação. Tente novamente.',
  transcript: 'Receber esta conversa por e-mail',
  transcriptEmail: 'Seu e-mail',
  emailPlaceholder: 'nome@exemplo.com',
  transcriptSent: (email) => `Enviada para ${email}.`,
  contact: 'Deixe seus dados de contato',
  email: 'E-mail',
  phone: 'Telefone (opcional)',
  contactEmpty: 'Informe um e-mail ou um número de telefone.',
  topics: 'Como podemos ajudar?',
};
