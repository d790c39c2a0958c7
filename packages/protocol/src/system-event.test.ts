import { describe, expect, it } from 'vitest';
import type { SystemEvent } from './models.js';
import { hasSystemEventText, systemEventText } from './system-event.js';

// One event of every type; a new type fails to compile here until it has a sample.
const samples: { [K in SystemEvent['type']]: Extract<SystemEvent, { type: K }> } = {
  handoff_requested: { type: 'handoff_requested', by: 'visitor' },
  queued: { type: 'queued', position: 2 },
  agent_joined: { type: 'agent_joined', agentName: 'Robin' },
  transferred: { type: 'transferred', to: 'Billing' },
  handed_back_to_bot: { type: 'handed_back_to_bot' },
  resolved: { type: 'resolved' },
  reopened: { type: 'reopened' },
  away: { type: 'away', reason: 'closed', nextOpening: '2025-01-06T09:00:00.000Z', timeZone: 'Europe/Berlin' },
  contact_saved: { type: 'contact_saved', email: 'ada@example.com' },
  rated: { type: 'rated', rating: 4, comment: 'Quick and kind.' },
};
const events = Object.values(samples);

const translated = ['de', 'fr', 'es', 'it', 'pt', 'nl', 'ar'];

describe('systemEventText', () => {
  it('says every event in English by default', () => {
    expect(systemEventText(samples.queued)).toBe("You're number 2 in the queue.");
    expect(systemEventText(samples.agent_joined, 'en')).toBe('Robin joined the conversation.');
    expect(systemEventText(samples.away)).toBe(
      "We're closed right now. We open again Monday, 10:00 AM GMT+1. Leave your e-mail address or phone number and we'll get back to you.",
    );
    expect(systemEventText({ type: 'away', reason: 'no_agent', nextOpening: null })).toBe(
      "Nobody from our team is available right now. Leave your e-mail address or phone number and we'll get back to you.",
    );
    expect(systemEventText(samples.rated)).toBe('The conversation was rated 4 out of 5. “Quick and kind.”');
  });

  describe.each(translated)('in %s', (language) => {
    it.each(events.map((event) => [event.type, event] as const))('says %s in its own words', (_type, event) => {
      const text = systemEventText(event, language);
      expect(text.trim()).not.toBe('');
      expect(text).not.toBe(systemEventText(event, 'en'));
    });
  });

  it('says both away reasons differently from English in every language', () => {
    const noAgent: SystemEvent = { type: 'away', reason: 'no_agent', nextOpening: null };
    for (const language of translated) expect(systemEventText(noAgent, language)).not.toBe(systemEventText(noAgent));
  });

  it('picks the language by the first subtag of the tag, in any case', () => {
    expect(systemEventText(samples.resolved, 'pt-BR')).toBe(systemEventText(samples.resolved, 'pt'));
    expect(systemEventText(samples.resolved, 'pt-BR')).toBe('A conversa foi resolvida.');
    expect(systemEventText(samples.queued, 'DE-at')).toBe('Sie sind auf Platz 2 der Warteschlange.');
    expect(systemEventText(samples.resolved, 'fr-CA')).toBe('La conversation a été résolue.');
    expect(systemEventText(samples.queued, 'ar-EG')).toBe('ترتيبك في قائمة الانتظار: 2.');
  });

  it('says every line in Arabic, with the next opening written the Arabic way', () => {
    expect(systemEventText(samples.agent_joined, 'ar')).toBe('Robin في المحادثة الآن.');
    expect(systemEventText(samples.transferred, 'ar')).toBe('تم تحويل المحادثة إلى Billing.');
    expect(systemEventText(samples.contact_saved, 'ar')).toBe('شكرًا! سنتواصل معك على ada@example.com.');
    expect(systemEventText(samples.rated, 'ar')).toBe('حصلت المحادثة على تقييم 4 من 5. «Quick and kind.»');
    const away = systemEventText(samples.away, 'ar');
    expect(away).toMatch(/^نحن مغلقون حاليًا\. نعود إلى العمل الاثنين، .+\. اترك بريدك الإلكتروني أو رقم هاتفك وسنتواصل معك\.$/);
  });

  it.each(['xx', '', 'x', 'constructor', '__proto__'])('falls back to English for the tag %j', (locale) => {
    for (const event of events) expect(systemEventText(event, locale)).toBe(systemEventText(event, 'en'));
  });

  it('writes the next opening in the language, in the business hours’ time zone', () => {
    const german = systemEventText(samples.away, 'de');
    expect(german).toContain('Montag');
    expect(german).toContain('10:00');
    expect(german).toMatch(/^Wir haben gerade geschlossen\. Ab Montag, 10:00 \S+ sind wir wieder für Sie da\. Hinterlassen Sie/);
    // A tag Intl rejects still names the language's sentences, with the date in English.
    expect(systemEventText(samples.away, 'de_DE')).toContain('Monday');
    expect(systemEventText(samples.away, 'de_DE')).toMatch(/^Wir haben gerade geschlossen\./);
  });

  it('passes names and comments through verbatim: the line is text, never HTML', () => {
    const naughty = '<script>alert(1)</script>';
    for (const language of ['en', ...translated]) {
      expect(systemEventText({ type: 'agent_joined', agentName: naughty }, language)).toContain(naughty);
      expect(systemEventText({ type: 'transferred', to: naughty }, language)).toContain(naughty);
      expect(systemEventText({ type: 'rated', rating: 1, comment: naughty }, language)).toContain(naughty);
    }
  });

  it('has no sentence for an event a newer server sends, so clients show the stored body', () => {
    const unknown = { type: 'ticket_escalated' } as unknown as SystemEvent;
    expect(systemEventText(unknown)).toBe('');
    expect(systemEventText({ type: 'toString' } as unknown as SystemEvent, 'de')).toBe('');
  });
});

describe('hasSystemEventText', () => {
  it('tells the languages that have their own sentences, by the first subtag, from those that fall back to English', () => {
    for (const tag of ['en', 'en-GB', 'es-MX', 'DE-at', 'pt_BR', ...translated]) expect(hasSystemEventText(tag), tag).toBe(true);
    for (const tag of ['ja', 'zh-Hant-TW', '', 'constructor', 'toString']) expect(hasSystemEventText(tag), tag).toBe(false);
  });

  it('agrees with what systemEventText writes', () => {
    expect(systemEventText(samples.resolved, 'ja')).toBe(systemEventText(samples.resolved, 'en'));
    expect(systemEventText(samples.resolved, 'es-MX')).not.toBe(systemEventText(samples.resolved, 'en'));
  });
});
