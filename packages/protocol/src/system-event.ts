/**
 * How a system message's event reads, in the visitor's language. Schema-free (the `SystemEvent` import is a type only),
 * so the widget and the console import it through the package's entry without pulling zod into their bundles; the
 * server stores the sentence, in the language it writes to the conversation's visitor in, as the message's body.
 * @module
 */
import type { SystemEvent } from './models.js';

/**
 * One language's sentence for every event type. A mapped type rather than a `Record`, so that a language missing an
 * event type (or a new event type missing from a language) fails to compile. `dateLocale` is the tag to format dates
 * with: the caller's locale for a known language (`pt-BR` keeps its regional format), `en` otherwise.
 */
type Phrasebook = {
  readonly [K in SystemEvent['type']]: (event: Extract<SystemEvent, { type: K }>, dateLocale: string) => string;
};

type AwayEvent = Extract<SystemEvent, { type: 'away' }>;

/**
 * When the business hours open again, in their time zone, as `dateLocale` writes it ("Monday, 9:00 AM UTC",
 * "Montag, 09:00 MEZ"). `Intl` rejects some tags a widget may have stored (`de_DE`, with an underscore): their date is in English.
 */
function openingTime(nextOpening: string, timeZone: string | undefined, dateLocale: string): string {
  const date = new Date(nextOpening);
  const options: Intl.DateTimeFormatOptions = { timeZone, weekday: 'long', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' };
  try {
    return date.toLocaleString(dateLocale, options);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return date.toLocaleString('en', options);
  }
}

/** The `away` line: why nobody answers, when they open again (if known), then the ask for a way to reply. */
function awayLine(
  event: AwayEvent,
  dateLocale: string,
  words: { closed: string; noAgent: string; opensAgain: (when: string) => string; leaveContact: string },
): string {
  const why = event.reason === 'closed' ? words.closed : words.noAgent;
  const when = event.nextOpening ? ` ${words.opensAgain(openingTime(event.nextOpening, event.timeZone, dateLocale))}` : '';
  return `${why}${when} ${words.leaveContact}`;
}

// Hand-written, not machine-translated. The register is each language's usual one for a shop's support chat: "Sie" in
// German, "vous" in French, the informal "you" in Spanish, Italian, Portuguese (Brazilian "você") and Dutch; Modern
// Standard Arabic, addressing the visitor in the masculine singular, the customary default. Names (agents, teams) and
// the visitor's comment go in as they are: the result is text, never HTML.
const phrasebooks = {
  en: {
    // The same words whoever asked: the button and "talk to a person" are one request to the visitor.
    handoff_requested: () => 'A person from our team was asked to join.',
    queued: (event) => `You're number ${event.position} in the queue.`,
    agent_joined: (event) => `${event.agentName} joined the conversation.`,
    transferred: (event) => `The conversation was transferred to ${event.to}.`,
    handed_back_to_bot: () => 'The assistant is back in the conversation.',
    resolved: () => 'The conversation was resolved.',
    reopened: () => 'The conversation was reopened.',
    away: (event, dateLocale) =>
      awayLine(event, dateLocale, {
        closed: "We're closed right now.",
        noAgent: 'Nobody from our team is available right now.',
        opensAgain: (when) => `We open again ${when}.`,
        leaveContact: "Leave your e-mail address or phone number and we'll get back to you.",
      }),
    contact_saved: (event) => `Thanks! We'll get back to you at ${event.email ?? event.phone}.`,
    rated: (event) => `The conversation was rated ${event.rating} out of 5.${event.comment ? ` “${event.comment}”` : ''}`,
  },
  de: {
    handoff_requested: () => 'Jemand aus unserem Team wurde hinzugebeten.',
    queued: (event) => `Sie sind auf Platz ${event.position} der Warteschlange.`,
    agent_joined: (event) => `${event.agentName} ist dem Gespräch beigetreten.`,
    transferred: (event) => `Das Gespräch wurde an ${event.to} weitergeleitet.`,
    handed_back_to_bot: () => 'Der Assistent ist wieder im Gespräch.',
    resolved: () => 'Das Gespräch wurde abgeschlossen.',
    reopened: () => 'Das Gespräch wurde wieder geöffnet.',
    away: (event, dateLocale) =>
      awayLine(event, dateLocale, {
        closed: 'Wir haben gerade geschlossen.',
        noAgent: 'Gerade ist niemand aus unserem Team erreichbar.',
        opensAgain: (when) => `Ab ${when} sind wir wieder für Sie da.`,
        leaveContact: 'Hinterlassen Sie Ihre E-Mail-Adresse oder Telefonnummer, dann melden wir uns bei Ihnen.',
      }),
    contact_saved: (event) => `Danke! Wir melden uns unter ${event.email ?? event.phone} bei Ihnen.`,
    rated: (event) => `Das Gespräch wurde mit ${event.rating} von 5 bewertet.${event.comment ? ` „${event.comment}“` : ''}`,
  },
  // French typography: a narrow no-break space before "!" and no-break spaces inside « ».
  fr: {
    handoff_requested: () => 'Nous avons demandé à un membre de notre équipe de vous rejoindre.',
    queued: (event) => `Vous êtes en position ${event.position} dans la file d'attente.`,
    agent_joined: (event) => `${event.agentName} a rejoint la conversation.`,
    transferred: (event) => `La conversation a été transférée à ${event.to}.`,
    handed_back_to_bot: () => "L'assistant est de retour dans la conversation.",
    resolved: () => 'La conversation a été résolue.',
    reopened: () => 'La conversation a été rouverte.',
    away: (event, dateLocale) =>
      awayLine(event, dateLocale, {
        closed: 'Nous sommes fermés pour le moment.',
        noAgent: "Personne de notre équipe n'est disponible pour le moment.",
        opensAgain: (when) => `Nous rouvrons ${when}.`,
        leaveContact: 'Laissez-nous votre adresse e-mail ou votre numéro de téléphone et nous vous recontacterons.',
      }),
    contact_saved: (event) => `Merci\u202f! Nous vous recontacterons à ${event.email ?? event.phone}.`,
    rated: (event) => `La conversation a reçu la note de ${event.rating} sur 5.${event.comment ? ` «\u00a0${event.comment}\u00a0»` : ''}`,
  },
  es: {
    handoff_requested: () => 'Hemos pedido a una persona de nuestro equipo que se una.',
    queued: (event) => `Estás en el puesto ${event.position} de la cola.`,
    agent_joined: (event) => `${event.agentName} se ha unido a la conversación.`,
    transferred: (event) => `La conversación se ha transferido a ${event.to}.`,
    handed_back_to_bot: () => 'El asistente ha vuelto a la conversación.',
    resolved: () => 'La conversación se ha resuelto.',
    reopened: () => 'La conversación se ha reabierto.',
    away: (event, dateLocale) =>
      awayLine(event, dateLocale, {
        closed: 'Ahora mismo estamos cerrados.',
        noAgent: 'Ahora mismo no hay nadie de nuestro equipo disponible.',
        opensAgain: (when) => `Volvemos a abrir el ${when}.`,
        leaveContact: 'Déjanos tu correo electrónico o tu número de teléfono y te responderemos.',
      }),
    contact_saved: (event) => `¡Gracias! Nos pondremos en contacto contigo en ${event.email ?? event.phone}.`,
    rated: (event) => `La conversación se ha valorado con ${event.rating} de 5.${event.comment ? ` «${event.comment}»` : ''}`,
  },
  it: {
    handoff_requested: () => 'Abbiamo chiesto a una persona del nostro team di unirsi.',
    queued: (event) => `Sei in posizione ${event.position} nella coda.`,
    // "partecipa ora" rather than "si è unito/a": the agent's gender is unknown.
    agent_joined: (event) => `${event.agentName} partecipa ora alla conversazione.`,
    transferred: (event) => `La conversazione è stata trasferita a ${event.to}.`,
    handed_back_to_bot: () => "L'assistente è tornato nella conversazione.",
    resolved: () => 'La conversazione è stata risolta.',
    reopened: () => 'La conversazione è stata riaperta.',
    away: (event, dateLocale) =>
      awayLine(event, dateLocale, {
        closed: 'Al momento siamo chiusi.',
        noAgent: 'Al momento nessuno del nostro team è disponibile.',
        opensAgain: (when) => `Riapriamo ${when}.`,
        leaveContact: 'Lasciaci il tuo indirizzo e-mail o il tuo numero di telefono e ti ricontatteremo.',
      }),
    contact_saved: (event) => `Grazie! Ti ricontatteremo al recapito ${event.email ?? event.phone}.`,
    rated: (event) => `La conversazione è stata valutata ${event.rating} su 5.${event.comment ? ` «${event.comment}»` : ''}`,
  },
  pt: {
    handoff_requested: () => 'Pedimos a uma pessoa da nossa equipe para entrar na conversa.',
    queued: (event) => `Você está na posição ${event.position} da fila.`,
    agent_joined: (event) => `${event.agentName} entrou na conversa.`,
    transferred: (event) => `A conversa foi transferida para ${event.to}.`,
    handed_back_to_bot: () => 'O assistente voltou à conversa.',
    resolved: () => 'A conversa foi resolvida.',
    reopened: () => 'A conversa foi reaberta.',
    away: (event, dateLocale) =>
      awayLine(event, dateLocale, {
        closed: 'Estamos fechados no momento.',
        noAgent: 'Ninguém da nossa equipe está disponível no momento.',
        opensAgain: (when) => `Reabrimos ${when}.`,
        leaveContact: 'Deixe seu e-mail ou telefone e entraremos em contato.',
      }),
    contact_saved: (event) => `Obrigado! Entraremos em contato com você em ${event.email ?? event.phone}.`,
    rated: (event) => `A conversa recebeu nota ${event.rating} de 5.${event.comment ? ` “${event.comment}”` : ''}`,
  },
  nl: {
    handoff_requested: () => 'Iemand van ons team is gevraagd om erbij te komen.',
    queued: (event) => `Je bent nummer ${event.position} in de wachtrij.`,
    agent_joined: (event) => `${event.agentName} neemt deel aan het gesprek.`,
    transferred: (event) => `Het gesprek is doorgestuurd naar ${event.to}.`,
    handed_back_to_bot: () => 'De assistent is terug in het gesprek.',
    resolved: () => 'Het gesprek is afgerond.',
    reopened: () => 'Het gesprek is heropend.',
    away: (event, dateLocale) =>
      awayLine(event, dateLocale, {
        closed: 'We zijn op dit moment gesloten.',
        noAgent: 'Er is op dit moment niemand van ons team beschikbaar.',
        opensAgain: (when) => `We zijn weer open op ${when}.`,
        leaveContact: 'Laat je e-mailadres of telefoonnummer achter, dan nemen we contact met je op.',
      }),
    contact_saved: (event) => `Bedankt! We nemen contact met je op via ${event.email ?? event.phone}.`,
    rated: (event) => `Het gesprek kreeg een ${event.rating} van de 5.${event.comment ? ` “${event.comment}”` : ''}`,
  },
  // Written right to left; names, addresses and digits keep their own direction in the widget (Unicode bidi).
  ar: {
    handoff_requested: () => 'طلبنا من أحد أعضاء فريقنا الانضمام إلى المحادثة.',
    queued: (event) => `ترتيبك في قائمة الانتظار: ${event.position}.`,
    // "في المحادثة الآن" rather than "انضم/انضمت": the agent's gender is unknown.
    agent_joined: (event) => `${event.agentName} في المحادثة الآن.`,
    transferred: (event) => `تم تحويل المحادثة إلى ${event.to}.`,
    handed_back_to_bot: () => 'عاد المساعد إلى المحادثة.',
    resolved: () => 'تم إغلاق المحادثة بعد حلّها.',
    reopened: () => 'تمت إعادة فتح المحادثة.',
    away: (event, dateLocale) =>
      awayLine(event, dateLocale, {
        closed: 'نحن مغلقون حاليًا.',
        noAgent: 'لا يتوفر أحد من فريقنا حاليًا.',
        opensAgain: (when) => `نعود إلى العمل ${when}.`,
        leaveContact: 'اترك بريدك الإلكتروني أو رقم هاتفك وسنتواصل معك.',
      }),
    contact_saved: (event) => `شكرًا! سنتواصل معك على ${event.email ?? event.phone}.`,
    rated: (event) => `حصلت المحادثة على تقييم ${event.rating} من 5.${event.comment ? ` «${event.comment}»` : ''}`,
  },
} satisfies Record<string, Phrasebook>;

/** The languages {@link systemEventText} speaks; any other gets English. */
type SystemEventLanguage = keyof typeof phrasebooks;

/** `locale`'s language (its first subtag, lower case) when {@link systemEventText} speaks it; undefined otherwise. */
function phrasebookLanguage(locale: string): SystemEventLanguage | undefined {
  const language = locale.toLowerCase().split(/[-_]/)[0] ?? '';
  // `hasOwn`: a tag like `constructor` must not reach Object.prototype.
  return Object.hasOwn(phrasebooks, language) ? (language as SystemEventLanguage) : undefined;
}

/**
 * Whether {@link systemEventText} has its own sentences in `locale`'s language (its first subtag: `pt-BR` is
 * Portuguese), rather than falling back to English. The server's other sentences to visitors come in the same
 * languages, so this is how it tells whether it can write to a visitor in theirs.
 *
 * @example
 * ```ts
 * hasSystemEventText('es-MX') // true
 * hasSystemEventText('ja') // false
 * ```
 */
export function hasSystemEventText(locale: string): boolean {
  return phrasebookLanguage(locale) !== undefined;
}

/**
 * The event as a plain sentence in `locale`'s language: a BCP 47 tag (`de`, `pt-BR`, `fr-CA`) whose first subtag picks
 * it. English, German, French, Spanish, Italian, Portuguese, Dutch and Arabic; any other language (or an empty tag) gets
 * English. The `away` line's next opening is formatted for `locale` itself, in the business hours' time zone.
 *
 * @example
 * ```ts
 * systemEventText({ type: 'queued', position: 2 }) // "You're number 2 in the queue."
 * systemEventText({ type: 'queued', position: 2 }, 'de-AT') // "Sie sind auf Platz 2 der Warteschlange."
 * systemEventText({ type: 'resolved' }, 'ja') // "The conversation was resolved."
 * ```
 */
export function systemEventText(event: SystemEvent, locale = 'en'): string {
  const language = phrasebookLanguage(locale);
  const known = language !== undefined;
  const book: Phrasebook = phrasebooks[language ?? 'en'];
  // TypeScript can't relate `event.type` to the parameter of the function it picks; the mapped type guarantees it.
  // An event this version doesn't know (a newer server's) has no sentence: the caller shows the stored body instead.
  if (!Object.hasOwn(book, event.type)) return '';
  const say = book[event.type] as (event: SystemEvent, dateLocale: string) => string;
  return say(event, known ? locale : 'en');
}
