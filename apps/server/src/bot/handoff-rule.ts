/**
 * The rule that hands a conversation to a human when the visitor asks for one. It runs before any model call, so
 * asking for a person works even when the model is down or no API key is configured.
 * @module
 */

// Phrases per language, compared without case and accents, on word boundaries. English is always checked: visitors
// often fall back to it.
const phrasesByLanguage: Record<string, string[]> = {
  en: [
    'human',
    'a person',
    'real person',
    'talk to someone',
    'speak to someone',
    'agent',
    'representative',
    'operator',
    'customer service',
    'live chat',
    'staff',
  ],
  de: ['mensch', 'mitarbeiter', 'mitarbeiterin', 'echte person', 'berater', 'kundendienst'],
  fr: ['humain', 'une personne', 'conseiller', 'conseillere', 'agent', 'quelqu un'],
  es: ['humano', 'una persona', 'agente', 'asesor', 'representante'],
  it: ['umano', 'una persona', 'operatore', 'assistente umano'],
  pt: ['humano', 'uma pessoa', 'atendente', 'agente'],
  nl: ['mens', 'medewerker', 'echte persoon'],
};

function normalize(text: string): string {
  return ` ${text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
}

/** Whether `text` asks for a human, in English or in the widget's language (`locale`, e.g. `de` or `pt-BR`). */
export function asksForHuman(text: string, locale: string): boolean {
  const language = locale.toLowerCase().split(/[-_]/)[0] ?? 'en';
  const phrases = new Set([...(phrasesByLanguage.en ?? []), ...(phrasesByLanguage[language] ?? [])]);
  const normalized = normalize(text);
  for (const phrase of phrases) {
    if (normalized.includes(` ${normalize(phrase).trim()} `)) return true;
  }
  return false;
}
