/**
 * The offline answerer's own sentences, in the visitor's language (`conversations/visitor-locale.ts`): what it says
 * when it can't find an answer (offering a person, with a quick reply that asks for one) and its greeting when the
 * widget has none of its own; and the bot's fixed replies whatever the model (handing off, the apologies when the
 * model fails, a turn a crash interrupted), in the same languages. Passages and the widget's FAQ answers are quoted as they are; only these are the
 * answerer's words. The same languages as the system lines (protocol's `systemEventText`): English, German, French,
 * Spanish, Italian, Portuguese, Dutch and Arabic; English for any other.
 * @module
 */

/** The offline answerer's sentences in one language. */
export interface OfflinePhrases {
  /**
   * What the visitor can write to get a person, in this language: a phrase the ask-for-a-person rule
   * (`asksForHuman` in `handoff-rule.ts`) recognises for the language. Every fallback quotes it.
   */
  readonly askForPerson: string;
  /**
   * The label of the quick reply every offer of a person carries: a button whose text, sent as the visitor's message
   * when they click it, makes the ask-for-a-person rule hand off in this language. It is the widget's own "Talk to a
   * person" label in this language (`human` of `packages/widget/src/i18n/<language>.ts`) where the widget has a
   * catalog, so the visitor meets one wording; where it has none (Italian, Dutch), the language's own words for it.
   */
  readonly button: string;
  /** Offers a person when nothing answers the visitor's message: the first time. It names {@link button}. */
  readonly fallback: string;
  /**
   * Shorter offers for a fallback that follows a fallback: the answerer takes turns with them, so the visitor never
   * reads the same sentence twice in a row (see {@link fallbackReply}).
   */
  readonly fallbackAgain: readonly [string, string];
  /** Answers a greeting when the widget has no greeting of its own (or only the protocol's English default). */
  readonly greeting: string;
  /** Introduces what an action the answerer called returned (the fields follow as a list). */
  readonly toolResult: string;
  /** Says an action the answerer called did not succeed (the service's own message may follow, then {@link offerPerson}). */
  readonly toolFailed: string;
  /** Offers a person after an action that did not succeed, naming {@link askForPerson} as the fallback does. */
  readonly offerPerson: string;
  /**
   * The bot's reply when it hands the conversation to a person (a handoff rule, or the model handing off without
   * words of its own): any model's, not only the offline answerer's.
   */
  readonly handingOff: string;
  /** The bot's apology when the model failed; it offers a person, naming {@link askForPerson}. */
  readonly failed: string;
  /** The bot's apology when the model failed and the widget's rule hands the conversation to a person with it. */
  readonly failedHandingOff: string;
  /**
   * The bot's reply when a crash stopped the turn before it during an action that may not be repeated: whether it
   * went through is unknown, and a person is asked to check.
   */
  readonly interrupted: string;
}

// Hand-written, not machine-translated, in the register of the system lines: "Sie" in German, "vous" in French, the
// informal "you" in Spanish, Italian, Portuguese (Brazilian "você") and Dutch, Modern Standard Arabic. The sentences
// never say where a button is (the widget may put it anywhere): they say what to write, and name the quick reply the
// offer carries by its label. Where the label is the phrase itself (English, French, Spanish, Italian, Portuguese,
// Arabic), saying it and pressing it are one instruction; German and Dutch name the button after the phrase. The
// labels are the widget's own "Talk to a person" where it has a catalog for the language; Italian and Dutch, which the
// widget shows in English, get a label in their own language, in the words of the sentence that names it.
// French typography: no-break spaces before ":", "?" and "!" and inside « ».
const catalog = {
  en: {
    askForPerson: 'talk to a person',
    button: 'Talk to a person',
    // The button's label is the phrase itself: saying it and pressing it are one instruction.
    fallback:
      "I couldn't find anything about that in our help articles. If you'd like help from someone on our team, just say “talk to a person”.",
    fallbackAgain: [
      "I still can't find that in our help articles. A person can help: say “talk to a person”.",
      "That's not in our help articles either. Just say “talk to a person”.",
    ],
    greeting: 'Hi! How can we help?',
    toolResult: 'Here is what I found:',
    toolFailed: "I couldn't get that done.",
    offerPerson: "If you'd like help from someone on our team, just say “talk to a person”.",
    handingOff: "I'm connecting you with a person from our team. They'll reply right here.",
    failed: "Sorry, I can't answer right now. If you'd like help from someone on our team, just say “talk to a person”.",
    failedHandingOff: "Sorry, I can't answer right now. I'm connecting you with a person from our team; they'll reply right here.",
    interrupted:
      "Something interrupted me while I was working on your request, so I can't tell whether it went through. I'm connecting you with a person from our team, who will check and reply right here.",
  },
  de: {
    askForPerson: 'Mitarbeiter',
    button: 'Mit einem Mitarbeiter sprechen',
    fallback:
      'Dazu habe ich in unseren Hilfeartikeln leider nichts gefunden. Wenn Ihnen jemand aus unserem Team weiterhelfen soll, schreiben Sie „Mitarbeiter“ oder wählen Sie „Mit einem Mitarbeiter sprechen“.',
    fallbackAgain: [
      'Auch dazu finde ich in unseren Hilfeartikeln nichts. Schreiben Sie „Mitarbeiter“, dann hilft Ihnen jemand aus unserem Team.',
      'Das steht leider auch nicht in unseren Hilfeartikeln. Schreiben Sie einfach „Mitarbeiter“.',
    ],
    greeting: 'Hallo! Wie können wir Ihnen helfen?',
    toolResult: 'Das habe ich gefunden:',
    toolFailed: 'Das hat leider nicht geklappt.',
    offerPerson:
      'Wenn Ihnen jemand aus unserem Team weiterhelfen soll, schreiben Sie „Mitarbeiter“ oder wählen Sie „Mit einem Mitarbeiter sprechen“.',
    handingOff: 'Ich verbinde Sie mit jemandem aus unserem Team. Sie erhalten die Antwort direkt hier.',
    failed:
      'Entschuldigung, ich kann gerade nicht antworten. Wenn Sie möchten, schreiben Sie „Mitarbeiter“, und jemand aus unserem Team antwortet Ihnen hier.',
    failedHandingOff:
      'Entschuldigung, ich kann gerade nicht antworten. Ich verbinde Sie mit jemandem aus unserem Team; Sie erhalten die Antwort direkt hier.',
    interrupted:
      'Bei der Bearbeitung Ihrer Anfrage wurde ich unterbrochen und weiß nicht, ob sie ausgeführt wurde. Ich verbinde Sie mit jemandem aus unserem Team, der das prüft und Ihnen hier antwortet.',
  },
  fr: {
    askForPerson: 'parler à un conseiller',
    button: 'Parler à un conseiller',
    fallback:
      "Je n'ai rien trouvé à ce sujet dans nos articles d'aide. Si vous souhaitez l'aide d'un membre de notre équipe, écrivez simplement «\u00a0parler à un conseiller\u00a0».",
    fallbackAgain: [
      "Je ne trouve toujours rien dans nos articles d'aide. Écrivez «\u00a0parler à un conseiller\u00a0» et quelqu'un de notre équipe vous répondra.",
      "Ce n'est pas non plus dans nos articles d'aide. Écrivez simplement «\u00a0parler à un conseiller\u00a0».",
    ],
    greeting: 'Bonjour\u202f! Comment pouvons-nous vous aider\u202f?',
    toolResult: "Voici ce que j'ai trouvé\u00a0:",
    toolFailed: "Je n'ai pas pu le faire.",
    offerPerson: "Si vous souhaitez l'aide d'un membre de notre équipe, écrivez simplement «\u00a0parler à un conseiller\u00a0».",
    handingOff: 'Je vous mets en relation avec une personne de notre équipe. Elle vous répondra ici même.',
    failed:
      "Désolé, je ne peux pas répondre pour le moment. Si vous le souhaitez, écrivez «\u00a0parler à un conseiller\u00a0» et quelqu'un de notre équipe vous répondra ici.",
    failedHandingOff:
      'Désolé, je ne peux pas répondre pour le moment. Je vous mets en relation avec une personne de notre équipe, qui vous répondra ici même.',
    interrupted:
      "J'ai été interrompu pendant le traitement de votre demande et je ne sais pas si elle a abouti. Je vous mets en relation avec une personne de notre équipe, qui vérifiera et vous répondra ici même.",
  },
  es: {
    askForPerson: 'hablar con una persona',
    button: 'Hablar con una persona',
    fallback:
      'No he encontrado nada sobre eso en nuestros artículos de ayuda. Si quieres que te ayude alguien de nuestro equipo, solo tienes que escribir «hablar con una persona».',
    fallbackAgain: [
      'Sigo sin encontrarlo en nuestros artículos de ayuda. Una persona puede ayudarte: escribe «hablar con una persona».',
      'Eso tampoco aparece en nuestros artículos de ayuda. Escribe «hablar con una persona».',
    ],
    greeting: '¡Hola! ¿En qué podemos ayudarte?',
    toolResult: 'Esto es lo que he encontrado:',
    toolFailed: 'No he podido hacerlo.',
    offerPerson: 'Si quieres que te ayude alguien de nuestro equipo, solo tienes que escribir «hablar con una persona».',
    handingOff: 'Te paso con una persona de nuestro equipo. Te responderá aquí mismo.',
    failed:
      'Lo siento, ahora no puedo responder. Si quieres, escribe «hablar con una persona» y alguien de nuestro equipo te responderá aquí.',
    failedHandingOff: 'Lo siento, ahora no puedo responder. Te paso con una persona de nuestro equipo; te responderá aquí mismo.',
    interrupted:
      'Algo me interrumpió mientras atendía tu solicitud y no sé si se completó. Te paso con una persona de nuestro equipo, que lo comprobará y te responderá aquí mismo.',
  },
  it: {
    askForPerson: 'parlare con un operatore',
    button: 'Parlare con un operatore',
    fallback:
      "Non ho trovato nulla al riguardo nei nostri articoli di aiuto. Se vuoi l'aiuto di qualcuno del nostro team, scrivi «parlare con un operatore».",
    fallbackAgain: [
      'Non trovo ancora nulla nei nostri articoli di aiuto. Un operatore può aiutarti: scrivi «parlare con un operatore».',
      'Neanche questo è nei nostri articoli di aiuto. Scrivi «parlare con un operatore».',
    ],
    greeting: 'Ciao! Come possiamo aiutarti?',
    toolResult: 'Ecco cosa ho trovato:',
    toolFailed: 'Non sono riuscito a farlo.',
    offerPerson: "Se vuoi l'aiuto di qualcuno del nostro team, scrivi «parlare con un operatore».",
    handingOff: 'Ti metto in contatto con una persona del nostro team. Ti risponderà proprio qui.',
    failed:
      'Mi dispiace, ora non riesco a rispondere. Se vuoi, scrivi «parlare con un operatore» e qualcuno del nostro team ti risponderà qui.',
    failedHandingOff:
      'Mi dispiace, ora non riesco a rispondere. Ti metto in contatto con una persona del nostro team, che ti risponderà proprio qui.',
    interrupted:
      'Qualcosa mi ha interrotto mentre gestivo la tua richiesta e non so se è andata a buon fine. Ti metto in contatto con una persona del nostro team, che controllerà e ti risponderà proprio qui.',
  },
  pt: {
    askForPerson: 'falar com um atendente',
    button: 'Falar com um atendente',
    fallback:
      'Não encontrei nada sobre isso nos nossos artigos de ajuda. Se quiser ajuda de alguém da nossa equipe, é só escrever “falar com um atendente”.',
    fallbackAgain: [
      'Continuo sem encontrar isso nos nossos artigos de ajuda. Um atendente pode ajudar: escreva “falar com um atendente”.',
      'Isso também não está nos nossos artigos de ajuda. Escreva “falar com um atendente”.',
    ],
    greeting: 'Olá! Como podemos ajudar?',
    toolResult: 'Veja o que encontrei:',
    toolFailed: 'Não consegui fazer isso.',
    offerPerson: 'Se quiser ajuda de alguém da nossa equipe, é só escrever “falar com um atendente”.',
    handingOff: 'Vou te passar para uma pessoa da nossa equipe. Ela vai responder aqui mesmo.',
    failed:
      'Desculpe, não consigo responder agora. Se quiser, escreva “falar com um atendente” e alguém da nossa equipe vai responder aqui.',
    failedHandingOff: 'Desculpe, não consigo responder agora. Vou te passar para uma pessoa da nossa equipe, que vai responder aqui mesmo.',
    interrupted:
      'Algo me interrompeu enquanto eu cuidava do seu pedido, e não sei se ele foi concluído. Vou te passar para uma pessoa da nossa equipe, que vai verificar e responder aqui mesmo.',
  },
  nl: {
    askForPerson: 'medewerker',
    button: 'Met een medewerker praten',
    fallback:
      'Daarover heb ik niets gevonden in onze helpartikelen. Wil je hulp van iemand van ons team? Typ “medewerker” of kies “Met een medewerker praten”.',
    fallbackAgain: [
      'Ik kan het nog steeds niet vinden in onze helpartikelen. Een medewerker kan je helpen: typ “medewerker”.',
      'Dat staat ook niet in onze helpartikelen. Typ gewoon “medewerker”.',
    ],
    greeting: 'Hoi! Waarmee kunnen we je helpen?',
    toolResult: 'Dit heb ik gevonden:',
    toolFailed: 'Dat is me niet gelukt.',
    offerPerson: 'Wil je hulp van iemand van ons team? Typ “medewerker” of kies “Met een medewerker praten”.',
    handingOff: 'Ik breng je in contact met een medewerker van ons team. Je krijgt hier antwoord.',
    failed: 'Sorry, ik kan nu niet antwoorden. Typ “medewerker” als je wilt, dan antwoordt iemand van ons team je hier.',
    failedHandingOff: 'Sorry, ik kan nu niet antwoorden. Ik breng je in contact met een medewerker van ons team; je krijgt hier antwoord.',
    interrupted:
      'Er onderbrak me iets terwijl ik met je verzoek bezig was, dus ik weet niet of het gelukt is. Ik breng je in contact met een medewerker van ons team, die het nakijkt en je hier antwoordt.',
  },
  ar: {
    askForPerson: 'التحدث إلى موظف',
    button: 'التحدث إلى موظف',
    fallback: 'لم أجد شيئًا عن ذلك في مقالات المساعدة لدينا. إذا أردت مساعدة من أحد أعضاء فريقنا، فاكتب «التحدث إلى موظف».',
    fallbackAgain: [
      'ما زلت لا أجد ذلك في مقالات المساعدة لدينا. يمكن لموظفينا مساعدتك: اكتب «التحدث إلى موظف».',
      'هذا أيضًا غير موجود في مقالات المساعدة لدينا. اكتب «التحدث إلى موظف».',
    ],
    greeting: 'مرحبًا! كيف يمكننا مساعدتك؟',
    toolResult: 'إليك ما وجدته:',
    toolFailed: 'لم أتمكن من إتمام ذلك.',
    offerPerson: 'إذا أردت مساعدة من أحد أعضاء فريقنا، فاكتب «التحدث إلى موظف».',
    handingOff: 'سأوصلك بأحد أعضاء فريقنا. سيرد عليك هنا مباشرة.',
    failed: 'عذرًا، لا أستطيع الرد الآن. إذا أردت، اكتب «التحدث إلى موظف» وسيرد عليك أحد أعضاء فريقنا هنا.',
    failedHandingOff: 'عذرًا، لا أستطيع الرد الآن. سأوصلك بأحد أعضاء فريقنا، وسيرد عليك هنا مباشرة.',
    interrupted: 'حدث ما قاطعني أثناء معالجة طلبك، ولا أعرف إن كان قد اكتمل. سأوصلك بأحد أعضاء فريقنا ليتحقق من ذلك ويرد عليك هنا مباشرة.',
  },
} as const satisfies Record<string, OfflinePhrases>;

/** The languages {@link offlinePhrases} speaks; any other gets English. */
export type OfflineLanguage = keyof typeof catalog;

/** Every language of the catalog, for tests and docs. */
export const offlineLanguages = Object.keys(catalog) as OfflineLanguage[];

/**
 * The offline answerer's sentences for `locale`, a BCP 47 tag (`de`, `pt-BR`, `fr-CA`; `de_DE` too) whose first
 * subtag picks the language; English for any other language, an empty tag or none.
 */
export function offlinePhrases(locale = 'en'): OfflinePhrases {
  const language = locale.toLowerCase().split(/[-_]/)[0] ?? '';
  // `hasOwn`: a tag like `constructor` must not reach Object.prototype.
  return Object.hasOwn(catalog, language) ? catalog[language as OfflineLanguage] : catalog.en;
}

/**
 * The offer of a person, given the text of the bot's previous message in the conversation (null: none, or not the
 * bot's). After a fallback comes a shorter one, and the shorter ones take turns: never the same sentence twice in a row.
 */
export function fallbackReply(phrases: OfflinePhrases, previousReply: string | null): string {
  const previous = previousReply?.trim();
  const [again, againOther] = phrases.fallbackAgain;
  if (previous === phrases.fallback || previous === againOther) return again;
  if (previous === again) return againOther;
  return phrases.fallback;
}
