/**
 * Settings → Widgets (admins): a widget's looks, who may embed it, its bot profile (`/api/bot/profiles`) or its own bot
 * settings, hours and routing, phone country, pre-chat
 * form and proactive messages, in sections saved one at a time, with the embed snippet and a live preview beside the form; then its identity
 * verification ({@link IdentityVerificationSection}, which makes calls of its own). Each section sends only its own
 * fields: `PATCH /api/widgets/:id` for the widget, `PATCH /api/routing/widgets/:id` for hours and routing. The server's
 * `invalid_payload` issues are shown next to the fields they name.
 * @module
 */
import {
  ParleyError,
  PROACTIVE_LIMITS,
  WIDGET_OFFSET_LIMITS,
  WIDGET_TEXT_LIMITS,
  type BotProfileList,
  type BusinessHours,
  type PreChatField,
  type PreChatSettings,
  type ProactiveRule,
  type Team,
  type WidgetAdmin,
  type WidgetRouting,
} from '@parley/protocol';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';
import { HandoffFields, handoffDraft, handoffValues } from './handoff-fields.js';
import { IdentityVerificationSection } from './identity-verification.js';
import { WidgetPreview } from './widget-preview.js';
import { copyText } from '../copy-text.js';

/** Props of {@link WidgetSettings}. */
export interface WidgetSettingsProps {
  api: ConsoleApi;
  /** Where this Parley server is, for the snippet's script; defaults to the console's own origin. */
  origin?: string;
}

const attribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The script tag a site adds to show the widget. */
export function embedSnippet(origin: string, publicKey: string): string {
  return `<script async src="${attribute(origin.replace(/\/+$/, ''))}/widget.js" data-widget-key="${attribute(publicKey)}"></script>`;
}

type Section = 'appearance' | 'access' | 'profile' | 'bot' | 'routing' | 'phone' | 'preChat' | 'proactive';

const days = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
type Day = (typeof days)[number];
type Interval = { open: string; close: string };

/**
 * A proactive message as the form holds it: its numbers as typed (sent as numbers, null when not a whole number, for
 * the server to name the field), and a key of the form's own, as the id may be edited.
 */
interface RuleDraft {
  key: number;
  id: string;
  message: string;
  trigger: ProactiveRule['trigger'];
  urlPattern: string;
  delaySeconds: string;
  minVisits: string;
  repeatAfterDays: string;
}

let lastRuleKey = 0;
const ruleKey = () => ++lastRuleKey;

function ruleDraft(rule: ProactiveRule): RuleDraft {
  return {
    key: ruleKey(),
    id: rule.id,
    message: rule.message,
    trigger: rule.trigger,
    urlPattern: rule.urlPattern,
    delaySeconds: String(rule.delaySeconds),
    minVisits: String(rule.minVisits),
    repeatAfterDays: String(rule.repeatAfterDays),
  };
}

/** A new rule, named `message-N` after the first such id no other rule has, with the schema's defaults. */
export function newRuleDraft(rules: readonly { id: string }[]): RuleDraft {
  const taken = new Set(rules.map((rule) => rule.id.trim()));
  let n = 1;
  while (taken.has(`message-${n}`)) n += 1;
  return ruleDraft({
    id: `message-${n}`,
    message: '',
    trigger: 'auto',
    urlPattern: '',
    delaySeconds: 0,
    minVisits: 1,
    repeatAfterDays: 30,
  });
}

interface Form {
  appearance: {
    title: string;
    greeting: string;
    accentColor: string;
    position: 'left' | 'right';
    theme: WidgetAdmin['settings']['theme'];
    launcherLabel: string;
    /** As typed; sent as a number (null when not a whole number, for the server to name the field). */
    offsetX: string;
    offsetY: string;
    teamName: string;
    showAgents: boolean;
    sound: boolean;
    botName: string;
    locale: string;
  };
  access: { name: string; origins: string };
  /** The bot profile's id (empty: the widget's own bot settings), and the profiles triage chooses among. */
  profile: { profileId: string; triageProfileIds: string[] };
  bot: {
    enabled: boolean;
    afterRepliesWithoutSource: string;
    afterNotHelpful: string;
    onProviderFailure: boolean;
    /** Turn-taking, in seconds as typed (the server keeps milliseconds). */
    pauseMs: string;
    maxWaitMs: string;
    persona: string;
    tone: string;
    businessFacts: string;
  };
  routing: {
    strategy: WidgetRouting['strategy'];
    teamId: string;
    alwaysOpen: boolean;
    timeZone: string;
    weekly: Record<Day, Interval[]>;
    holidays: string;
  };
  phone: { defaultCountry: string };
  preChat: PreChatSettings;
  proactive: RuleDraft[];
}

/** What a section shows after a save: the server's reasons by field, anything else, or that it worked. */
interface Outcome {
  fields: Record<string, string>;
  error: string | null;
  saved: boolean;
}

const cleanOutcome: Outcome = { fields: {}, error: null, saved: false };

const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

function weeklyForm(hours: BusinessHours | null): Record<Day, Interval[]> {
  const weekdays = (day: Day) => (hours ? [] : day === 'saturday' || day === 'sunday' ? [] : [{ open: '09:00', close: '17:00' }]);
  return Object.fromEntries(days.map((day) => [day, hours?.weekly[day]?.map((interval) => ({ ...interval })) ?? weekdays(day)])) as Record<
    Day,
    Interval[]
  >;
}

function sectionForm<S extends Section>(widget: WidgetAdmin, section: S): Form[S] {
  const { settings, bot, routing } = widget;
  const forms: { [K in Section]: () => Form[K] } = {
    appearance: () => ({
      title: settings.title,
      greeting: settings.greeting,
      accentColor: settings.accentColor,
      position: settings.position,
      theme: settings.theme,
      launcherLabel: settings.launcherLabel,
      offsetX: String(settings.offsetX),
      offsetY: String(settings.offsetY),
      teamName: settings.teamName,
      showAgents: settings.showAgents,
      sound: settings.sound,
      botName: settings.botName,
      locale: settings.locale,
    }),
    access: () => ({ name: widget.name, origins: widget.allowedOrigins.join('\n') }),
    profile: () => ({ profileId: bot.profileId ?? '', triageProfileIds: [...bot.triageProfileIds] }),
    bot: () => ({
      enabled: bot.enabled,
      ...handoffDraft(bot.handoff),
      pauseMs: String(bot.turnTaking.pauseMs / 1000),
      maxWaitMs: String(bot.turnTaking.maxWaitMs / 1000),
      persona: bot.persona,
      tone: bot.tone,
      businessFacts: bot.businessFacts,
    }),
    routing: () => ({
      strategy: routing.strategy,
      teamId: routing.teamId ?? '',
      alwaysOpen: routing.hours === null,
      timeZone: routing.hours?.timeZone ?? browserTimeZone(),
      weekly: weeklyForm(routing.hours),
      holidays: (routing.hours?.holidays ?? []).join('\n'),
    }),
    phone: () => ({ defaultCountry: settings.defaultCountry ?? '' }),
    preChat: () => ({ ...settings.preChat }),
    proactive: () => settings.proactive.map(ruleDraft),
  };
  return forms[section]();
}

const sections: Section[] = ['appearance', 'access', 'profile', 'bot', 'routing', 'phone', 'preChat', 'proactive'];

function formOf(widget: WidgetAdmin): Form {
  return Object.fromEntries(sections.map((section) => [section, sectionForm(widget, section)])) as unknown as Form;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** A whole number typed in a field; anything else is sent as null, for the server to name the field. */
const count = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : null);
/** Seconds typed in a field (`1.5`), as milliseconds; anything else is sent as null, for the server to name the field. */
const milliseconds = (text: string) => (/^\s*\d+(\.\d+)?\s*$/.test(text) ? Math.round(Number(text) * 1000) : null);

/**
 * The field an issue's path names, as this page keys them: `body.settings.title` → `title`,
 * `body.allowedOrigins.2` → `allowedOrigins`, `body.hours.weekly.monday.0.close` → `weekly.monday`,
 * `body.settings.proactive.0.message` → `proactive.0.message` (a rule's field, by its place in the list).
 */
export function fieldOfIssue(path: string): string {
  const parts = path
    .replace(/^body\.?/, '')
    .split('.')
    .filter(Boolean);
  while (parts.length > 1 && ['settings', 'bot', 'handoff', 'turnTaking', 'hours'].includes(parts[0]!)) parts.shift();
  if ((parts[0] === 'weekly' || parts[0] === 'preChat') && parts[1]) return `${parts[0]}.${parts[1]}`;
  if (parts[0] === 'proactive' && parts[1]) return parts.slice(0, 3).join('.');
  return parts[0] ?? '';
}

function outcomeOf(error: unknown, known: readonly string[]): Outcome {
  const issues = ParleyError.isInstance(error) ? (error.issues ?? []) : [];
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const field = fieldOfIssue(issue.path);
    if (known.includes(field)) fields[field] = fields[field] ? `${fields[field]} ${issue.message}` : issue.message;
    else other.push(issue.message);
  }
  return { fields, error: [errorMessage(error), ...other].join(' '), saved: false };
}

const sectionFields: Record<Section, readonly string[]> = {
  appearance: [
    'title',
    'greeting',
    'accentColor',
    'position',
    'theme',
    'launcherLabel',
    'offsetX',
    'offsetY',
    'teamName',
    'showAgents',
    'sound',
    'botName',
    'locale',
  ],
  access: ['name', 'allowedOrigins'],
  profile: ['profileId', 'triageProfileIds'],
  bot: [
    'enabled',
    'afterRepliesWithoutSource',
    'afterNotHelpful',
    'onProviderFailure',
    'pauseMs',
    'maxWaitMs',
    'persona',
    'tone',
    'businessFacts',
  ],
  routing: ['strategy', 'teamId', 'timeZone', 'weekly', ...days.map((day) => `weekly.${day}`), 'holidays'],
  phone: ['defaultCountry'],
  preChat: ['preChat', 'preChat.name', 'preChat.email', 'preChat.phone'],
  // The whole list's (distinct ids, at most ten); each rule's are added by its place, see `knownFields`.
  proactive: ['proactive'],
};

/** A rule's fields, as the page keys them after its place in the list. */
const ruleFields = ['id', 'message', 'trigger', 'urlPattern', 'delaySeconds', 'minVisits', 'repeatAfterDays'] as const;

/** The fields a section's issues may name: the proactive messages' depend on how many rules are sent. */
function knownFields(section: Section, form: Form): readonly string[] {
  if (section !== 'proactive') return sectionFields[section];
  return [
    ...sectionFields.proactive,
    ...form.proactive.flatMap((_, index) => [`proactive.${index}`, ...ruleFields.map((name) => `proactive.${index}.${name}`)]),
  ];
}

/** The field errors left after removing the rule at `removed`: its own go, those of the rules after it move up. */
function withoutRuleErrors(fields: Record<string, string>, removed: number): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, message] of Object.entries(fields)) {
    const match = /^proactive\.(\d+)(.*)$/.exec(key);
    const index = match ? Number(match[1]) : -1;
    if (!match || index < removed) kept[key] = message;
    else if (index > removed) kept[`proactive.${index - 1}${match[2]}`] = message;
  }
  return kept;
}

const sectionTitles: Record<Section, string> = {
  appearance: 'Appearance',
  access: 'Name and access',
  profile: 'Bot profile',
  bot: 'Bot',
  routing: 'Hours and routing',
  phone: 'Phone numbers',
  preChat: 'Pre-chat form',
  proactive: 'Proactive messages',
};

const dayNames: Record<Day, string> = {
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
  sunday: 'Sunday',
};

/** How the pre-chat form asks for a field. */
const preChatChoices: Record<PreChatField, string> = {
  off: 'Not asked',
  optional: 'Optional',
  required: 'Required',
};

/** When a proactive message shows. */
const triggerChoices: Record<ProactiveRule['trigger'], string> = {
  auto: 'When the conditions below hold',
  page: 'Only when the page calls Parley.trigger(id)',
};

/** The pre-chat form's fields, as the page names them. */
const preChatLabels: Record<keyof PreChatSettings, string> = {
  name: 'Ask for the name',
  email: 'Ask for the e-mail address',
  phone: 'Ask for the phone number',
};

const themes: Record<Form['appearance']['theme'], string> = {
  light: 'Light',
  dark: 'Dark',
  auto: 'Automatic: as the visitor’s system',
};

/** The launcher's two distances, as the form asks for them. */
const offsetFields = [
  ['offsetX', 'Distance from the side (px)'],
  ['offsetY', 'Distance from the bottom (px)'],
] as const;

const strategies: Record<WidgetRouting['strategy'], string> = {
  round_robin: 'Round robin: the online agent given one least recently',
  least_loaded: 'Least loaded: the online agent with the fewest open conversations',
  manual: 'Manual: agents take conversations from the queue',
};

/** Names of the countries, in the admin's language, where the browser knows them. */
function countryName(code: string): string | undefined {
  if (!/^[A-Z]{2}$/.test(code)) return undefined;
  try {
    return new Intl.DisplayNames(undefined, { type: 'region', fallback: 'none' }).of(code);
  } catch {
    return undefined;
  }
}

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

/** An offset as typed when the server would take it, else the saved one: the preview draws what can be saved. */
function previewOffset(typed: string, saved: number): number {
  const value = count(typed);
  return value !== null && value <= WIDGET_OFFSET_LIMITS.max ? value : saved;
}

/** The Settings → Widgets page. */
export function WidgetSettings({ api, origin = location.origin }: WidgetSettingsProps) {
  const [widgets, setWidgets] = useState<WidgetAdmin[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [teams, setTeams] = useState<Team[]>([]);
  const [profiles, setProfiles] = useState<BotProfileList['profiles']>([]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [outcomes, setOutcomes] = useState<Partial<Record<Section, Outcome>>>({});
  const [busy, setBusy] = useState<Section | null>(null);
  const [copyStatus, setCopyStatus] = useState<string | null>(null);
  const snippetRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    api.listWidgets().then(
      ({ widgets: listed }) => {
        setWidgets(listed);
        const first = listed[0];
        if (first) select(first);
      },
      (error: unknown) => setLoadError(errorMessage(error)),
    );
    // The team list only feeds a select: without it, "any agent" and the current team still show.
    api.listTeams().then(
      ({ teams: listed }) => setTeams(listed),
      () => {},
    );
    // The profiles only feed a select too: without them, the widget's own settings and the current profile still show.
    api.request<BotProfileList>('GET', '/api/bot/profiles').then(
      ({ profiles: listed }) => setProfiles(listed),
      () => {},
    );
  }, [api]);

  function select(widget: WidgetAdmin) {
    setSelectedId(widget.id);
    setForm(formOf(widget));
    setOutcomes({});
    setCopyStatus(null);
  }

  if (loadError) {
    return (
      <section class="widget-settings-page" aria-labelledby="widget-settings-title">
        <h1 id="widget-settings-title">Widgets</h1>
        <p class="form-error" role="alert">
          {loadError}
        </p>
      </section>
    );
  }
  const widget = widgets?.find((candidate) => candidate.id === selectedId);
  if (!widgets || (widgets.length > 0 && (!widget || !form))) {
    return (
      <section class="widget-settings-page" aria-labelledby="widget-settings-title">
        <h1 id="widget-settings-title">Widgets</h1>
        <p class="hint">Loading…</p>
      </section>
    );
  }
  if (!widget || !form) {
    return (
      <section class="widget-settings-page" aria-labelledby="widget-settings-title">
        <h1 id="widget-settings-title">Widgets</h1>
        <p class="hint">Your organization has no widget yet.</p>
      </section>
    );
  }
  const current = widget;
  const draft = form;

  function change<S extends Section>(section: S, values: Partial<Form[S]>) {
    setForm({ ...draft, [section]: { ...draft[section], ...values } });
    if (outcomes[section]?.saved) setOutcomes({ ...outcomes, [section]: cleanOutcome });
  }

  /** Sends the section's fields only; on success the section shows what the server stored (origins normalised…). */
  async function save(section: Section) {
    setBusy(section);
    const id = current.id;
    try {
      let updated: WidgetAdmin;
      if (section === 'routing') {
        const routing = draft.routing;
        const hours = routing.alwaysOpen
          ? null
          : {
              timeZone: routing.timeZone.trim(),
              weekly: Object.fromEntries(days.filter((day) => routing.weekly[day].length > 0).map((day) => [day, routing.weekly[day]])),
              holidays: lines(routing.holidays),
            };
        const saved = await api.updateWidgetRouting(id, { strategy: routing.strategy, teamId: routing.teamId || null, hours });
        updated = { ...current, routing: saved };
      } else {
        updated = await api.updateWidget(id, sectionUpdate(section));
      }
      setWidgets((listed) => listed?.map((candidate) => (candidate.id === id ? updated : candidate)) ?? null);
      setForm((latest) => (latest ? { ...latest, [section]: sectionForm(updated, section) } : latest));
      setOutcomes((latest) => ({ ...latest, [section]: { ...cleanOutcome, saved: true } }));
    } catch (error) {
      setOutcomes((latest) => ({ ...latest, [section]: outcomeOf(error, knownFields(section, draft)) }));
    } finally {
      setBusy(null);
    }
  }

  function sectionUpdate(section: Exclude<Section, 'routing'>) {
    if (section === 'appearance') {
      const { offsetX, offsetY, ...fields } = draft.appearance;
      // Offsets are sent as typed; a blank or a fraction is null, and the server says which field.
      return { settings: { ...fields, offsetX: count(offsetX) as number, offsetY: count(offsetY) as number } };
    }
    if (section === 'access') return { name: draft.access.name, allowedOrigins: lines(draft.access.origins) };
    if (section === 'profile') {
      return { bot: { profileId: draft.profile.profileId || null, triageProfileIds: draft.profile.triageProfileIds } };
    }
    if (section === 'phone') return { settings: { defaultCountry: draft.phone.defaultCountry.trim().toUpperCase() || null } };
    if (section === 'preChat') return { settings: { preChat: draft.preChat } };
    if (section === 'proactive') {
      // The whole list, in its order: the first rule that applies wins. Numbers as typed, as the other sections'.
      return {
        settings: {
          proactive: draft.proactive.map((rule) => ({
            id: rule.id.trim(),
            message: rule.message,
            trigger: rule.trigger,
            urlPattern: rule.urlPattern.trim(),
            delaySeconds: count(rule.delaySeconds) as number,
            minVisits: count(rule.minVisits) as number,
            repeatAfterDays: count(rule.repeatAfterDays) as number,
          })),
        },
      };
    }
    const bot = draft.bot;
    const pauseMs = milliseconds(bot.pauseMs);
    const maxWaitMs = milliseconds(bot.maxWaitMs);
    // Sent only when changed: a widget without its own keeps following the server's default through other edits.
    const timingChanged = pauseMs !== current.bot.turnTaking.pauseMs || maxWaitMs !== current.bot.turnTaking.maxWaitMs;
    return {
      bot: {
        enabled: bot.enabled,
        // Sent as typed; a blank or a fraction is null, and the server says which field.
        handoff: handoffValues(bot),
        ...(timingChanged ? { turnTaking: { pauseMs: pauseMs as number, maxWaitMs: maxWaitMs as number } } : {}),
        persona: bot.persona,
        tone: bot.tone,
        businessFacts: bot.businessFacts,
      },
    };
  }

  /** A labelled control with the server's reason for refusing it underneath. */
  function field(section: Section, key: string, label: string, control: (props: FieldProps) => ComponentChildren, hint?: string) {
    const error = outcomes[section]?.fields[key];
    const errorId = `widget-${section}-${key}-error`;
    const hintId = `widget-${section}-${key}-hint`;
    const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
    return (
      <div class="settings-field" data-field={key}>
        <label class="field">
          <span class="field-label">{label}</span>
          {control({ 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy })}
        </label>
        {hint && (
          <p id={hintId} class="hint">
            {hint}
          </p>
        )}
        {error && (
          <p id={errorId} class="field-error">
            {error}
          </p>
        )}
      </div>
    );
  }

  /** A labelled checkbox, its label beside it, with the server's reason for refusing it underneath. */
  function checkbox(section: Section, key: string, label: string, checked: boolean, onChange: (checked: boolean) => void, hint?: string) {
    const error = outcomes[section]?.fields[key];
    const errorId = `widget-${section}-${key}-error`;
    const hintId = `widget-${section}-${key}-hint`;
    const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
    return (
      <div class="settings-field" data-field={key}>
        <label class="checkbox-field">
          <input
            type="checkbox"
            checked={checked}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={describedBy}
            onChange={(event) => onChange(event.currentTarget.checked)}
          />
          {label}
        </label>
        {hint && (
          <p id={hintId} class="hint">
            {hint}
          </p>
        )}
        {error && (
          <p id={errorId} class="field-error">
            {error}
          </p>
        )}
      </div>
    );
  }

  function renderSection(section: Section, children: ComponentChildren) {
    const outcome = outcomes[section] ?? cleanOutcome;
    const titleId = `widget-section-${section}`;
    return (
      <form
        class="settings-section"
        aria-labelledby={titleId}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save(section);
        }}
      >
        <h2 id={titleId}>{sectionTitles[section]}</h2>
        {children}
        {outcome.error && (
          <p class="form-error" role="alert">
            {outcome.error}
          </p>
        )}
        <div class="settings-actions">
          <button type="submit" class="button button-primary" disabled={busy !== null}>
            Save {sectionTitles[section].toLowerCase()}
          </button>
          <span class="settings-saved" role="status">
            {outcome.saved ? 'Saved.' : ''}
          </span>
        </div>
      </form>
    );
  }

  const appearance = draft.appearance;
  const validColor = /^#[0-9a-f]{6}$/i.test(appearance.accentColor);
  const routing = draft.routing;
  const snippet = embedSnippet(origin, current.publicKey);
  const zones = timeZones();
  const country = countryName(draft.phone.defaultCountry.trim().toUpperCase());
  const teamKnown = routing.teamId === '' || teams.some((team) => team.id === routing.teamId);
  const profileKnown = draft.profile.profileId === '' || profiles.some((profile) => profile.id === draft.profile.profileId);
  // The profile in use (saved): its settings replace the persona, tone, facts and handoff rules of the Bot section.
  const profileInUse = current.bot.profileId ? (profiles.find((profile) => profile.id === current.bot.profileId)?.name ?? null) : undefined;

  /** Replaces the proactive messages; `errors`, when given, are the field errors that still apply to them. */
  function setRules(rules: RuleDraft[], errors?: Record<string, string>) {
    setForm({ ...draft, proactive: rules });
    const outcome = outcomes.proactive;
    if (outcome?.saved) setOutcomes({ ...outcomes, proactive: cleanOutcome });
    else if (outcome && errors) setOutcomes({ ...outcomes, proactive: { ...outcome, fields: errors } });
  }

  function changeRule(index: number, values: Partial<Omit<RuleDraft, 'key'>>) {
    setRules(draft.proactive.map((rule, at) => (at === index ? { ...rule, ...values } : rule)));
  }

  function removeRule(index: number) {
    setRules(
      draft.proactive.filter((_, at) => at !== index),
      withoutRuleErrors(outcomes.proactive?.fields ?? {}, index),
    );
  }

  /** One of a rule's number fields, typed as the other sections' numbers are. */
  function ruleNumber(index: number, name: 'delaySeconds' | 'minVisits' | 'repeatAfterDays', label: string, min: number, hint: string) {
    const rule = draft.proactive[index]!;
    return field(
      'proactive',
      `proactive.${index}.${name}`,
      label,
      (props) => (
        <input
          {...props}
          type="number"
          inputMode="numeric"
          min={min}
          max={PROACTIVE_LIMITS[name]}
          step={1}
          value={rule[name]}
          onInput={(event) => changeRule(index, { [name]: event.currentTarget.value })}
        />
      ),
      hint,
    );
  }

  function setDay(day: Day, intervals: Interval[]) {
    change('routing', { weekly: { ...routing.weekly, [day]: intervals } });
  }

  async function copy() {
    setCopyStatus(await copyText(snippet, snippetRef.current, 'the snippet'));
  }

  return (
    <section class="widget-settings-page" aria-labelledby="widget-settings-title">
      <h1 id="widget-settings-title">Widgets</h1>
      {widgets.length > 1 && (
        <label class="field widget-picker">
          <span class="field-label">Widget</span>
          <select
            value={current.id}
            onChange={(event) => {
              const next = widgets.find((candidate) => candidate.id === event.currentTarget.value);
              if (next) select(next);
            }}
          >
            {widgets.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </select>
        </label>
      )}

      <div class="widget-settings">
        <div class="widget-settings-form">
          {renderSection(
            'appearance',
            <>
              {field('appearance', 'title', 'Title', (props) => (
                <input
                  {...props}
                  maxLength={80}
                  value={appearance.title}
                  onInput={(event) => change('appearance', { title: event.currentTarget.value })}
                />
              ))}
              {field('appearance', 'greeting', 'Greeting', (props) => (
                <textarea
                  {...props}
                  rows={2}
                  maxLength={500}
                  value={appearance.greeting}
                  onInput={(event) => change('appearance', { greeting: event.currentTarget.value })}
                />
              ))}
              {field('appearance', 'accentColor', 'Accent colour', (props) => (
                <span class="color-field">
                  <input
                    type="color"
                    aria-label="Pick the accent colour"
                    value={validColor ? appearance.accentColor.toLowerCase() : current.settings.accentColor.toLowerCase()}
                    onInput={(event) => change('appearance', { accentColor: event.currentTarget.value })}
                  />
                  <input
                    {...props}
                    class="color-text"
                    spellcheck={false}
                    value={appearance.accentColor}
                    onInput={(event) => change('appearance', { accentColor: event.currentTarget.value.trim() })}
                  />
                </span>
              ))}
              {field('appearance', 'position', 'Position', (props) => (
                <select
                  {...props}
                  value={appearance.position}
                  onChange={(event) => change('appearance', { position: event.currentTarget.value === 'left' ? 'left' : 'right' })}
                >
                  <option value="right">Bottom right</option>
                  <option value="left">Bottom left</option>
                </select>
              ))}
              {offsetFields.map(([name, label]) =>
                field(
                  'appearance',
                  name,
                  label,
                  (props) => (
                    <input
                      {...props}
                      type="number"
                      inputMode="numeric"
                      min={WIDGET_OFFSET_LIMITS.min}
                      max={WIDGET_OFFSET_LIMITS.max}
                      step={1}
                      value={appearance[name]}
                      onInput={(event) => change('appearance', { [name]: event.currentTarget.value })}
                    />
                  ),
                  `${WIDGET_OFFSET_LIMITS.min} to ${WIDGET_OFFSET_LIMITS.max}.`,
                ),
              )}
              {field('appearance', 'theme', 'Theme', (props) => (
                <select
                  {...props}
                  value={appearance.theme}
                  onChange={(event) => {
                    const value = event.currentTarget.value;
                    change('appearance', { theme: value === 'dark' || value === 'auto' ? value : 'light' });
                  }}
                >
                  {Object.entries(themes).map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              ))}
              {field(
                'appearance',
                'launcherLabel',
                'Launcher label',
                (props) => (
                  <input
                    {...props}
                    maxLength={WIDGET_TEXT_LIMITS.launcherLabel}
                    placeholder="Chat with us"
                    value={appearance.launcherLabel}
                    onInput={(event) => change('appearance', { launcherLabel: event.currentTarget.value })}
                  />
                ),
                'Text beside the launcher’s icon. Empty: the icon only.',
              )}
              {field(
                'appearance',
                'teamName',
                'Team name',
                (props) => (
                  <input
                    {...props}
                    maxLength={WIDGET_TEXT_LIMITS.teamName}
                    value={appearance.teamName}
                    onInput={(event) => change('appearance', { teamName: event.currentTarget.value })}
                  />
                ),
                'Shown under the title in the chat’s header. Empty: nothing.',
              )}
              {checkbox(
                'appearance',
                'showAgents',
                'Show who may answer',
                appearance.showAgents,
                (checked) => change('appearance', { showAgents: checked }),
                'The first names of up to three agents of the widget’s team (online ones first), in the chat’s header.',
              )}
              {checkbox(
                'appearance',
                'sound',
                'Play a sound on replies',
                appearance.sound,
                (checked) => change('appearance', { sound: checked }),
                'A short sound when a reply arrives while the chat is closed.',
              )}
              {field('appearance', 'botName', 'Bot name', (props) => (
                <input
                  {...props}
                  maxLength={80}
                  value={appearance.botName}
                  onInput={(event) => change('appearance', { botName: event.currentTarget.value })}
                />
              ))}
              {field(
                'appearance',
                'locale',
                'Language',
                (props) => (
                  <input
                    {...props}
                    spellcheck={false}
                    value={appearance.locale}
                    onInput={(event) => change('appearance', { locale: event.currentTarget.value })}
                  />
                ),
                'A language tag such as en, de or pt-BR: the widget speaks it, and the bot reads "that didn’t help" in it.',
              )}
            </>,
          )}

          {renderSection(
            'access',
            <>
              {field(
                'access',
                'name',
                'Name',
                (props) => (
                  <input
                    {...props}
                    maxLength={80}
                    value={draft.access.name}
                    onInput={(event) => change('access', { name: event.currentTarget.value })}
                  />
                ),
                'Only agents see it.',
              )}
              {field(
                'access',
                'allowedOrigins',
                'Allowed origins',
                (props) => (
                  <textarea
                    {...props}
                    rows={4}
                    spellcheck={false}
                    placeholder="https://www.shop.example"
                    value={draft.access.origins}
                    onInput={(event) => change('access', { origins: event.currentTarget.value })}
                  />
                ),
                'One per line: the scheme and host of each site that shows the widget, such as https://www.shop.example, without a path.',
              )}
              {lines(draft.access.origins).length === 0 && <p class="settings-warning">With no origin, the widget works on no site.</p>}
            </>,
          )}

          {renderSection(
            'profile',
            <>
              {field(
                'profile',
                'profileId',
                'Bot profile',
                (props) => (
                  <select
                    {...props}
                    value={draft.profile.profileId}
                    onChange={(event) => change('profile', { profileId: event.currentTarget.value })}
                  >
                    <option value="">None: this widget’s own bot settings</option>
                    {profiles.map((profile) => (
                      <option key={profile.id} value={profile.id}>
                        {profile.name}
                      </option>
                    ))}
                    {!profileKnown && <option value={draft.profile.profileId}>The current profile</option>}
                  </select>
                ),
                'A profile (Settings → Bot profiles) gives this widget’s conversations its persona, model, instructions, knowledge and tools, unless their team has a profile of its own.',
              )}
              {profiles.length > 0 && (
                <fieldset class="checkbox-group">
                  <legend>Triage: the visitor’s first message chooses among</legend>
                  {profiles.map((profile) => (
                    <label key={profile.id} class="checkbox-field">
                      <input
                        type="checkbox"
                        checked={draft.profile.triageProfileIds.includes(profile.id)}
                        onChange={(event) => {
                          const checked = event.currentTarget.checked;
                          const others = draft.profile.triageProfileIds.filter((id) => id !== profile.id);
                          change('profile', { triageProfileIds: checked ? [...others, profile.id] : others });
                        }}
                      />
                      {profile.name}
                    </label>
                  ))}
                  <p class="hint">
                    The bot picks the profile whose name and description fit the first message (the model decides; offline, the words do),
                    and the conversation keeps it. None ticked: no triage.
                  </p>
                  {outcomes.profile?.fields.triageProfileIds && <p class="field-error">{outcomes.profile.fields.triageProfileIds}</p>}
                </fieldset>
              )}
            </>,
          )}

          {renderSection(
            'bot',
            <>
              {profileInUse !== undefined && (
                <p class="settings-warning">
                  This widget uses {profileInUse === null ? 'a bot profile' : `the bot profile “${profileInUse}”`}: the handoff rules,
                  persona, tone and business facts below are not used while it does. They are kept, for when it no longer does.
                </p>
              )}
              <label class="checkbox-field">
                <input
                  type="checkbox"
                  checked={draft.bot.enabled}
                  onChange={(event) => change('bot', { enabled: event.currentTarget.checked })}
                />
                The bot answers new conversations first
              </label>
              <HandoffFields
                values={draft.bot}
                onChange={(handoff) => change('bot', handoff)}
                errors={outcomes.bot?.fields}
                idPrefix="widget-bot"
              />
              {field(
                'bot',
                'pauseMs',
                'Wait for the visitor to pause (seconds)',
                (props) => (
                  <input
                    {...props}
                    type="number"
                    min={0}
                    max={10}
                    step={0.1}
                    value={draft.bot.pauseMs}
                    onInput={(event) => change('bot', { pauseMs: event.currentTarget.value })}
                  />
                ),
                'Visitors often send several short messages: the bot answers them together once the visitor stops writing for this long, and waits while they type. 0 answers each message at once; at most 10.',
              )}
              {field(
                'bot',
                'maxWaitMs',
                'Answer at the latest after (seconds)',
                (props) => (
                  <input
                    {...props}
                    type="number"
                    min={0}
                    max={15}
                    step={0.1}
                    value={draft.bot.maxWaitMs}
                    onInput={(event) => change('bot', { maxWaitMs: event.currentTarget.value })}
                  />
                ),
                'From the first unanswered message, even while the visitor keeps typing; at most 15.',
              )}
              {field('bot', 'persona', 'Persona', (props) => (
                <textarea
                  {...props}
                  rows={3}
                  maxLength={2000}
                  placeholder="You are Sam, the support assistant of Harbor & Pine, an outdoor gear shop."
                  value={draft.bot.persona}
                  onInput={(event) => change('bot', { persona: event.currentTarget.value })}
                />
              ))}
              {field('bot', 'tone', 'Tone', (props) => (
                <textarea
                  {...props}
                  rows={2}
                  maxLength={1000}
                  value={draft.bot.tone}
                  onInput={(event) => change('bot', { tone: event.currentTarget.value })}
                />
              ))}
              {field(
                'bot',
                'businessFacts',
                'Business facts',
                (props) => (
                  <textarea
                    {...props}
                    rows={4}
                    maxLength={20000}
                    value={draft.bot.businessFacts}
                    onInput={(event) => change('bot', { businessFacts: event.currentTarget.value })}
                  />
                ),
                'Hours, policies, contact details the bot may rely on.',
              )}
            </>,
          )}

          {renderSection(
            'routing',
            <>
              {field('routing', 'strategy', 'Who gets queued conversations', (props) => (
                <select
                  {...props}
                  value={routing.strategy}
                  onChange={(event) => change('routing', { strategy: event.currentTarget.value as WidgetRouting['strategy'] })}
                >
                  {(Object.keys(strategies) as Array<WidgetRouting['strategy']>).map((strategy) => (
                    <option key={strategy} value={strategy}>
                      {strategies[strategy]}
                    </option>
                  ))}
                </select>
              ))}
              {field('routing', 'teamId', 'Team', (props) => (
                <select {...props} value={routing.teamId} onChange={(event) => change('routing', { teamId: event.currentTarget.value })}>
                  <option value="">Any agent of the organization</option>
                  {teams.map((team) => (
                    <option key={team.id} value={team.id}>
                      {team.name}
                    </option>
                  ))}
                  {!teamKnown && <option value={routing.teamId}>The current team</option>}
                </select>
              ))}
              <label class="checkbox-field">
                <input
                  type="checkbox"
                  checked={routing.alwaysOpen}
                  onChange={(event) => change('routing', { alwaysOpen: event.currentTarget.checked })}
                />
                Always open
              </label>
              {!routing.alwaysOpen && (
                <>
                  {field(
                    'routing',
                    'timeZone',
                    'Time zone',
                    (props) => (
                      <input
                        {...props}
                        list="widget-time-zones"
                        spellcheck={false}
                        value={routing.timeZone}
                        onInput={(event) => change('routing', { timeZone: event.currentTarget.value })}
                      />
                    ),
                    'Opening times are read in it, such as Europe/Berlin.',
                  )}
                  <datalist id="widget-time-zones">
                    {zones.map((zone) => (
                      <option key={zone} value={zone} />
                    ))}
                  </datalist>
                  <fieldset class="schedule">
                    <legend>Weekly hours</legend>
                    {days.map((day) => {
                      const intervals = routing.weekly[day];
                      const error = outcomes.routing?.fields[`weekly.${day}`];
                      return (
                        <div key={day} class="schedule-day" data-day={day}>
                          <label class="checkbox-field schedule-day-name">
                            <input
                              type="checkbox"
                              checked={intervals.length > 0}
                              onChange={(event) => setDay(day, event.currentTarget.checked ? [{ open: '09:00', close: '17:00' }] : [])}
                            />
                            {dayNames[day]}
                          </label>
                          {intervals.length === 0 ? (
                            <span class="hint">Closed</span>
                          ) : (
                            <span class="schedule-intervals">
                              {intervals.map((interval, index) => (
                                <span key={index} class="schedule-interval">
                                  <input
                                    aria-label={`${dayNames[day]} opens`}
                                    class="time-input"
                                    placeholder="09:00"
                                    value={interval.open}
                                    aria-invalid={error ? 'true' : undefined}
                                    onInput={(event) =>
                                      setDay(
                                        day,
                                        intervals.map((other, at) =>
                                          at === index ? { ...other, open: event.currentTarget.value.trim() } : other,
                                        ),
                                      )
                                    }
                                  />
                                  –
                                  <input
                                    aria-label={`${dayNames[day]} closes`}
                                    class="time-input"
                                    placeholder="17:00"
                                    value={interval.close}
                                    aria-invalid={error ? 'true' : undefined}
                                    onInput={(event) =>
                                      setDay(
                                        day,
                                        intervals.map((other, at) =>
                                          at === index ? { ...other, close: event.currentTarget.value.trim() } : other,
                                        ),
                                      )
                                    }
                                  />
                                  {intervals.length > 1 && (
                                    <button
                                      type="button"
                                      class="button button-ghost"
                                      aria-label={`Remove ${dayNames[day]} ${interval.open}–${interval.close}`}
                                      onClick={() =>
                                        setDay(
                                          day,
                                          intervals.filter((_, at) => at !== index),
                                        )
                                      }
                                    >
                                      ×
                                    </button>
                                  )}
                                </span>
                              ))}
                              <button
                                type="button"
                                class="button button-ghost"
                                onClick={() => setDay(day, [...intervals, { open: '13:00', close: '17:00' }])}
                              >
                                Add hours
                              </button>
                            </span>
                          )}
                          {error && <p class="field-error">{error}</p>}
                        </div>
                      );
                    })}
                    <p class="hint">Times as HH:MM; 24:00 closes at midnight.</p>
                    {outcomes.routing?.fields.weekly && <p class="field-error">{outcomes.routing.fields.weekly}</p>}
                  </fieldset>
                  {field(
                    'routing',
                    'holidays',
                    'Holidays',
                    (props) => (
                      <textarea
                        {...props}
                        rows={3}
                        spellcheck={false}
                        placeholder="2026-12-25"
                        value={routing.holidays}
                        onInput={(event) => change('routing', { holidays: event.currentTarget.value })}
                      />
                    ),
                    'Closed all day: one date per line, as YYYY-MM-DD.',
                  )}
                </>
              )}
            </>,
          )}

          {renderSection(
            'phone',
            <>
              {field(
                'phone',
                'defaultCountry',
                'Default phone country',
                (props) => (
                  <input
                    {...props}
                    class="country-input"
                    maxLength={2}
                    spellcheck={false}
                    placeholder="US"
                    value={draft.phone.defaultCountry}
                    onInput={(event) => change('phone', { defaultCountry: event.currentTarget.value })}
                  />
                ),
                country
                  ? `Phone numbers written without a country code are read as ${country} numbers.`
                  : 'A two-letter code such as US or DE, for phone numbers written without a country code. Empty: visitors must write it.',
              )}
            </>,
          )}

          {renderSection(
            'preChat',
            <>
              <p class="hint">
                Asked in the widget before a visitor's first message. Required fields are also checked by the server: a conversation cannot
                start without them. All not asked: no form.
              </p>
              {(Object.keys(preChatLabels) as Array<keyof PreChatSettings>).map((key) =>
                field('preChat', `preChat.${key}`, preChatLabels[key], (props) => (
                  <select
                    {...props}
                    value={draft.preChat[key]}
                    onChange={(event) => {
                      const value = event.currentTarget.value;
                      change('preChat', { [key]: value === 'optional' || value === 'required' ? value : 'off' });
                    }}
                  >
                    {Object.entries(preChatChoices).map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </select>
                )),
              )}
            </>,
          )}

          {renderSection(
            'proactive',
            <>
              <p class="hint">
                The widget speaks first: a small bubble by the launcher, which opens a conversation when the visitor answers. The first
                message that applies is shown.
              </p>
              {draft.proactive.length === 0 && <p class="hint">No proactive message: the widget waits for the visitor.</p>}
              {draft.proactive.map((rule, index) => {
                const name = `Proactive message ${index + 1}`;
                const ruleError = outcomes.proactive?.fields[`proactive.${index}`];
                return (
                  <fieldset key={rule.key} class="schedule proactive-rule" data-rule={index}>
                    <legend>{name}</legend>
                    {field('proactive', `proactive.${index}.message`, 'Message', (props) => (
                      <textarea
                        {...props}
                        rows={2}
                        maxLength={PROACTIVE_LIMITS.message}
                        placeholder="Questions about our plans?"
                        value={rule.message}
                        onInput={(event) => changeRule(index, { message: event.currentTarget.value })}
                      />
                    ))}
                    {field(
                      'proactive',
                      `proactive.${index}.id`,
                      'Id',
                      (props) => (
                        <input
                          {...props}
                          maxLength={40}
                          spellcheck={false}
                          autoComplete="off"
                          value={rule.id}
                          onInput={(event) => changeRule(index, { id: event.currentTarget.value })}
                        />
                      ),
                      'Lowercase letters, digits and dashes: the name a page gives Parley.trigger(id).',
                    )}
                    {field('proactive', `proactive.${index}.trigger`, 'Show', (props) => (
                      <select
                        {...props}
                        value={rule.trigger}
                        onChange={(event) => changeRule(index, { trigger: event.currentTarget.value === 'page' ? 'page' : 'auto' })}
                      >
                        {(Object.keys(triggerChoices) as Array<ProactiveRule['trigger']>).map((trigger) => (
                          <option key={trigger} value={trigger}>
                            {triggerChoices[trigger]}
                          </option>
                        ))}
                      </select>
                    ))}
                    {field(
                      'proactive',
                      `proactive.${index}.urlPattern`,
                      'URL pattern',
                      (props) => (
                        <input
                          {...props}
                          maxLength={PROACTIVE_LIMITS.urlPattern}
                          spellcheck={false}
                          placeholder="/pricing*"
                          value={rule.urlPattern}
                          onInput={(event) => changeRule(index, { urlPattern: event.currentTarget.value })}
                        />
                      ),
                      'The path and query of the pages it shows on: * matches anything; empty: every page.',
                    )}
                    {ruleNumber(
                      index,
                      'delaySeconds',
                      'Delay (seconds)',
                      0,
                      `Time on the page before it shows: 0 to ${PROACTIVE_LIMITS.delaySeconds}.`,
                    )}
                    {ruleNumber(
                      index,
                      'minVisits',
                      'From visit',
                      1,
                      `1: from the first visit; 2: from the second… At most ${PROACTIVE_LIMITS.minVisits}.`,
                    )}
                    {ruleNumber(
                      index,
                      'repeatAfterDays',
                      'At most once every N days',
                      1,
                      `A visitor sees it at most once in this many days: 1 to ${PROACTIVE_LIMITS.repeatAfterDays}.`,
                    )}
                    {ruleError && <p class="field-error">{ruleError}</p>}
                    <div class="settings-actions">
                      <button
                        type="button"
                        class="button button-ghost"
                        aria-label={`Remove ${name.toLowerCase()}`}
                        onClick={() => removeRule(index)}
                      >
                        Remove
                      </button>
                    </div>
                  </fieldset>
                );
              })}
              {outcomes.proactive?.fields.proactive && <p class="field-error">{outcomes.proactive.fields.proactive}</p>}
              <div class="settings-actions">
                <button
                  type="button"
                  class="button"
                  disabled={draft.proactive.length >= PROACTIVE_LIMITS.rules}
                  onClick={() => setRules([...draft.proactive, newRuleDraft(draft.proactive)])}
                >
                  Add a proactive message
                </button>
                {draft.proactive.length >= PROACTIVE_LIMITS.rules && (
                  <span class="hint">At most {PROACTIVE_LIMITS.rules} proactive messages.</span>
                )}
              </div>
            </>,
          )}

          <IdentityVerificationSection key={current.id} api={api} widgetId={current.id} />
        </div>

        <aside class="widget-settings-side" aria-label="Preview and embed code">
          <WidgetPreview
            settings={{
              title: appearance.title,
              greeting: appearance.greeting,
              accentColor: appearance.accentColor,
              position: appearance.position,
              theme: appearance.theme,
              launcherLabel: appearance.launcherLabel.trim(),
              offsetX: previewOffset(appearance.offsetX, current.settings.offsetX),
              offsetY: previewOffset(appearance.offsetY, current.settings.offsetY),
              teamName: appearance.teamName.trim(),
              showAgents: appearance.showAgents,
              sound: appearance.sound,
              locale: appearance.locale,
              botName: appearance.botName,
            }}
            fallbackColor={current.settings.accentColor}
          />
          <div class="snippet">
            <h2>Embed code</h2>
            <p class="hint">Paste it into every page that shows the widget, before &lt;/body&gt;.</p>
            <textarea ref={snippetRef} class="snippet-code" readOnly rows={3} aria-label="Embed code" value={snippet} />
            <div class="settings-actions">
              <button type="button" class="button" onClick={() => void copy()}>
                Copy
              </button>
              <span class="settings-saved" role="status">
                {copyStatus}
              </span>
            </div>
          </div>
        </aside>
      </div>
    </section>
  );
}

/** What {@link WidgetSettings} passes to each field's control. */
interface FieldProps {
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
}
