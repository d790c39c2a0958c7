/**
 * What the bot says when an action waits for a decision, in the visitor's language (`conversations/visitor-locale.ts`):
 * the question under which the visitor finds Confirm and Cancel (the buttons' words too), and the wait for a
 * colleague's approval. The same languages as the system lines and the offline answerer's sentences; English for any
 * other. What the action will do (its summary) goes in as text.
 * @module
 */

/** The sentences of one language. */
export interface ActionPhrases {
  /** The Confirm button's words: a click sends them as the visitor's message. */
  readonly confirm: string;
  /** The Cancel button's words. */
  readonly cancel: string;
  /** Asks the visitor to confirm `summary`. */
  askToConfirm(summary: string): string;
  /** Says a colleague must approve `summary` first, and that the bot goes on here then. */
  awaitingApproval(summary: string): string;
}

// Hand-written, in the register of the system lines: "Sie" in German, "vous" in French, the informal "you" in Spanish,
// Italian, Portuguese and Dutch, Modern Standard Arabic.
const phrases = {
  en: {
    confirm: 'Confirm',
    cancel: 'Cancel',
    askToConfirm: (summary) => `Please confirm before I go ahead: ${summary}`,
    awaitingApproval: (summary) =>
      `A colleague needs to approve this first: ${summary}. I'll continue here as soon as they decide; you can keep writing meanwhile.`,
  },
  de: {
    confirm: 'Bestätigen',
    cancel: 'Abbrechen',
    askToConfirm: (summary) => `Bitte bestätigen Sie, bevor ich fortfahre: ${summary}`,
    awaitingApproval: (summary) =>
      `Ein Kollege muss dies zuerst freigeben: ${summary}. Ich melde mich hier, sobald entschieden ist; Sie können in der Zwischenzeit weiterschreiben.`,
  },
  fr: {
    confirm: 'Confirmer',
    cancel: 'Annuler',
    askToConfirm: (summary) => `Merci de confirmer avant que je continue\u00a0: ${summary}`,
    awaitingApproval: (summary) =>
      `Un collègue doit d’abord valider ceci\u00a0: ${summary}. Je reviens vers vous ici dès qu’il aura décidé\u00a0; vous pouvez continuer à écrire en attendant.`,
  },
  es: {
    confirm: 'Confirmar',
    cancel: 'Cancelar',
    askToConfirm: (summary) => `Confirma antes de que continúe: ${summary}`,
    awaitingApproval: (summary) =>
      `Un compañero tiene que aprobar esto primero: ${summary}. Seguiré aquí en cuanto decida; mientras tanto puedes seguir escribiendo.`,
  },
  it: {
    confirm: 'Conferma',
    cancel: 'Annulla',
    askToConfirm: (summary) => `Conferma prima che io proceda: ${summary}`,
    awaitingApproval: (summary) =>
      `Un collega deve prima approvare questo: ${summary}. Continuerò qui appena avrà deciso; nel frattempo puoi continuare a scrivere.`,
  },
  pt: {
    confirm: 'Confirmar',
    cancel: 'Cancelar',
    askToConfirm: (summary) => `Confirme antes que eu continue: ${summary}`,
    awaitingApproval: (summary) =>
      `Um colega precisa aprovar isto primeiro: ${summary}. Continuo aqui assim que ele decidir; enquanto isso, você pode continuar escrevendo.`,
  },
  nl: {
    confirm: 'Bevestigen',
    cancel: 'Annuleren',
    askToConfirm: (summary) => `Bevestig dit voordat ik verder ga: ${summary}`,
    awaitingApproval: (summary) =>
      `Een collega moet dit eerst goedkeuren: ${summary}. Ik ga hier verder zodra er een besluit is; je kunt intussen gewoon verder schrijven.`,
  },
  ar: {
    confirm: 'تأكيد',
    cancel: 'إلغاء',
    askToConfirm: (summary) => `يرجى التأكيد قبل أن أتابع: ${summary}`,
    awaitingApproval: (summary) =>
      `يجب أن يوافق أحد الزملاء على هذا أولاً: ${summary}. سأتابع هنا فور اتخاذ القرار، ويمكنك مواصلة الكتابة في هذه الأثناء.`,
  },
} satisfies Record<string, ActionPhrases>;

/** The sentences in `locale`'s language (its first subtag), English for a language without them. */
export function actionPhrases(locale: string): ActionPhrases {
  const language = locale.toLowerCase().split(/[-_]/)[0] ?? '';
  return Object.hasOwn(phrases, language) ? phrases[language as keyof typeof phrases] : phrases.en;
}
