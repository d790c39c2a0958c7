import { describe, expect, it } from 'vitest';
import { handoffRequestSchema } from './events/bot.js';
import { visitorMessageSendSchema } from './events/message.js';
import { widgetSettingsSchema } from './models.js';
import { PROACTIVE_LIMITS, proactiveRuleIdSchema, proactiveRuleSchema, proactiveRulesSchema } from './proactive.js';
import { matchesUrlPattern } from './url-pattern.js';

/** The paths of a refused parse's issues, as strings (`0.id`). */
function issuePaths(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[] }> } }): string[] {
  expect(result.success).toBe(false);
  return result.error!.issues.map((issue) => issue.path.map(String).join('.'));
}

const rules = (count: number) => Array.from({ length: count }, (_, index) => ({ id: `rule-${index}`, message: `Message ${index}` }));

describe('proactiveRulesSchema', () => {
  it('fills the defaults of a rule given only its id and message, and trims its texts', () => {
    expect(proactiveRulesSchema.parse([{ id: 'pricing', message: '  Questions about our plans?  ' }])).toEqual([
      {
        id: 'pricing',
        message: 'Questions about our plans?',
        trigger: 'auto',
        urlPattern: '',
        delaySeconds: 0,
        minVisits: 1,
        repeatAfterDays: 30,
      },
    ]);
    const full = {
      id: 'checkout-help',
      message: 'Need a hand?',
      trigger: 'page',
      urlPattern: '/checkout*',
      delaySeconds: 3600,
      minVisits: 1000,
      repeatAfterDays: 365,
    } as const;
    expect(proactiveRuleSchema.parse(full)).toEqual(full);
  });

  it('is none in the settings by default, and an empty list is valid', () => {
    expect(widgetSettingsSchema.parse({}).proactive).toEqual([]);
    expect(proactiveRulesSchema.parse([])).toEqual([]);
  });

  it('refuses two rules with the same id, on the list', () => {
    const result = proactiveRulesSchema.safeParse([
      { id: 'pricing', message: 'One' },
      { id: 'pricing', message: 'Two' },
    ]);
    expect(issuePaths(result)).toEqual(['']);
    expect(result.error!.issues[0]!.message).toBe('Rule ids must be distinct.');
    expect(
      proactiveRulesSchema.safeParse([
        { id: 'pricing', message: 'One' },
        { id: 'pricing-2', message: 'Two' },
      ]).success,
    ).toBe(true);
  });

  it(`takes at most ${PROACTIVE_LIMITS.rules} rules`, () => {
    expect(proactiveRulesSchema.parse(rules(10))).toHaveLength(10);
    const result = proactiveRulesSchema.safeParse(rules(11));
    expect(issuePaths(result)).toEqual(['']);
    expect(result.error!.issues[0]!.message).toBe('At most 10 proactive messages.');
  });

  it.each([
    ['a-rule', true],
    ['7', true],
    ['pricing-2026', true],
    ['a'.repeat(40), true],
    ['a'.repeat(41), false],
    ['', false],
    ['Pricing', false],
    ['Bad Id', false],
    ['-pricing', false],
    ['pricing_page', false],
    ['prícing', false],
  ])('reads %j as a rule id: %s', (id, valid) => {
    expect(proactiveRuleIdSchema.safeParse(id).success).toBe(valid);
  });

  it.each([
    [{ id: 'Pricing', message: 'Hi' }, '0.id'],
    [{ id: 'pricing', message: '' }, '0.message'],
    [{ id: 'pricing', message: '   ' }, '0.message'],
    [{ id: 'pricing', message: 'x'.repeat(501) }, '0.message'],
    [{ id: 'pricing' }, '0.message'],
    [{ id: 'pricing', message: 'Hi', trigger: 'scroll' }, '0.trigger'],
    [{ id: 'pricing', message: 'Hi', urlPattern: '/'.repeat(201) }, '0.urlPattern'],
    [{ id: 'pricing', message: 'Hi', delaySeconds: -1 }, '0.delaySeconds'],
    [{ id: 'pricing', message: 'Hi', delaySeconds: 3601 }, '0.delaySeconds'],
    [{ id: 'pricing', message: 'Hi', delaySeconds: 1.5 }, '0.delaySeconds'],
    [{ id: 'pricing', message: 'Hi', delaySeconds: '20' }, '0.delaySeconds'],
    [{ id: 'pricing', message: 'Hi', minVisits: 0 }, '0.minVisits'],
    [{ id: 'pricing', message: 'Hi', minVisits: 1001 }, '0.minVisits'],
    [{ id: 'pricing', message: 'Hi', repeatAfterDays: 0 }, '0.repeatAfterDays'],
    [{ id: 'pricing', message: 'Hi', repeatAfterDays: 366 }, '0.repeatAfterDays'],
    [{ id: 'pricing', message: 'Hi\u0000' }, '0.message'],
    [{ id: 'pricing', message: 'Hi', showOnMobile: true }, '0'],
  ])('refuses the rule %j at %s', (rule, path) => {
    expect(issuePaths(proactiveRulesSchema.safeParse([rule]))).toContain(path);
  });

  it('takes a rule id on a visitor message and a handoff request, and refuses a malformed one', () => {
    const message = { clientId: 'c1', body: 'Yes, tell me more' };
    expect(visitorMessageSendSchema.parse({ ...message, proactive: 'pricing' }).proactive).toBe('pricing');
    expect(visitorMessageSendSchema.parse(message).proactive).toBeUndefined();
    expect(issuePaths(visitorMessageSendSchema.safeParse({ ...message, proactive: 'Bad Id' }))).toEqual(['proactive']);
    expect(handoffRequestSchema.parse({ proactive: 'pricing' }).proactive).toBe('pricing');
    expect(issuePaths(handoffRequestSchema.safeParse({ proactive: 'Bad Id' }))).toEqual(['proactive']);
  });
});

describe('matchesUrlPattern', () => {
  it.each([
    ['/pricing*', '/pricing', true],
    ['/pricing*', '/pricing?plan=team', true],
    ['/pricing*', '/pricing/enterprise', true],
    ['/pricing*', '/en/pricing', false],
    ['/pricing', '/pricing', true],
    ['/pricing', '/pricing?plan=team', false],
    ['/pricing', '/pricing/', false],
    ['/help/*', '/help/returns', true],
    ['/help/*', '/help/', true],
    ['/help/*', '/help', false],
    ['/docs/*', '/blog', false],
    ['*/pricing', '/en/pricing', true],
    ['*/pricing', '/en/pricing?x=1', false],
    ['/shop/*/cart', '/shop/a/b/cart', true],
    ['/shop/*/cart', '/shop/cart', false],
    ['/a**b', '/ab', true],
  ])('%j matches %j: %s', (pattern, url, matches) => {
    expect(matchesUrlPattern(pattern, url)).toBe(matches);
  });

  it.each([
    ['/a.b', '/axb', false],
    ['/a.b', '/a.b', true],
    ['/(x)', '/(x)', true],
    ['/(x)', '/x', false],
    ['/a+', '/aa', false],
    ['/a+', '/a+', true],
    ['/search?q=shoes', '/search?q=shoes', true],
    ['/search?q=shoes', '/searchq=shoes', false],
    ['/price$', '/price$', true],
    ['/price$', '/price', false],
    ['/^home', '/^home', true],
    ['/[ab]', '/a', false],
    ['/[ab]', '/[ab]', true],
    ['/a|/b', '/b', false],
    ['/a{2}', '/aa', false],
    ['/back\\slash', '/back\\slash', true],
  ])('takes the regex characters of %j literally: %j %s', (pattern, url, matches) => {
    expect(matchesUrlPattern(pattern, url)).toBe(matches);
  });

  it('matches every page with an empty pattern or a lone *', () => {
    for (const url of ['/', '', '/pricing?plan=team', '/en/help/returns#top']) {
      expect(matchesUrlPattern('', url)).toBe(true);
      expect(matchesUrlPattern('*', url)).toBe(true);
    }
  });
});
