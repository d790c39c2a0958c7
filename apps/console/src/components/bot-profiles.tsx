/**
 * Settings → Bot profiles (admins), a chunk of its own. The organization's named bots: the list (name, description, and
 * the widgets and teams that chose each one, by name), a form to add one, and for each one editing and deleting (after
 * confirming), and the scenario runs `parley eval` kept (eval-runs.tsx). A profile's form holds who the bot is (bot name, persona, tone), what it is told (instructions, business
 * facts), its model, its handoff rules (the fields of Settings → Widgets' Bot section, handoff-fields.tsx), which
 * documents it answers from (knowledge tags, and websites from `/api/knowledge/sources`) and which tools it may call
 * (every enabled one, or those chosen from the bot actions' names and the MCP servers' allowed tools, `<server>__<tool>`).
 * An edit sends only what changed; the server's refusal is said on the fields it names. The choices (widgets, teams,
 * websites, tools) are each loaded once. The calls to `/api/bot/*` are made here, over the API's generic `request`, so
 * that the bundle every agent loads does not carry them; no protocol value (so no zod) is imported.
 * @module
 */
import {
  ParleyError,
  type BotActionList,
  type BotProfile,
  type BotProfileCreate,
  type BotProfileList,
  type BotProfileUpdate,
  type McpServerList,
} from '@parley/protocol';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { EvalRuns } from './eval-runs.js';
import { HandoffFields, handoffDraft, handoffValues, type HandoffDraft } from './handoff-fields.js';
import { FormError, FormFooter, Listing, useEditForm, useListing, useTask } from './settings-forms.js';

const path = (profileId: string) => `/api/bot/profiles/${encodeURIComponent(profileId)}`;

/** The `/api/bot/profiles` routes, over the console's generic request (same token, same errors). */
export function botProfilesApi({ request }: Pick<ConsoleApi, 'request'>) {
  return {
    list: () => request<BotProfileList>('GET', '/api/bot/profiles'),
    create: (body: BotProfileCreate) => request<BotProfile>('POST', '/api/bot/profiles', body),
    update: (profileId: string, body: BotProfileUpdate) => request<BotProfile>('PATCH', path(profileId), body),
    remove: (profileId: string) => request<void>('DELETE', path(profileId)),
  };
}

type BotProfilesApi = ReturnType<typeof botProfilesApi>;

// The protocol's BOT_PROFILE_LIMITS and BOT_TEXT_LIMITS, copied: a value imported from its modules would bring their zod
// schemas, and zod, into this chunk. bot-profiles.test.tsx checks that they match.
export const PROFILE_LIMITS = { name: 80, description: 500, botName: 80, model: 100, scopeEntries: 50, tag: 100, tools: 100 } as const;
export const PROFILE_TEXT_LIMITS = { persona: 2000, tone: 1000, instructions: 20_000, businessFacts: 20_000 } as const;

/** What the page needs of the console's API. */
export type BotProfilesPageApi = Pick<ConsoleApi, 'request' | 'listWidgets' | 'listTeams' | 'listKnowledgeSources'>;

/** Props of {@link BotProfiles}. */
export interface BotProfilesProps {
  api: BotProfilesPageApi;
  isAdmin: boolean;
}

/** What the list names and the form offers, each loaded once; empty until loaded, or when it could not be. */
interface Choices {
  widgets: ReadonlyMap<string, string>;
  teams: ReadonlyMap<string, string>;
  /** The knowledge base's websites: id and address. */
  websites: readonly { id: string; url: string }[];
  /** The bot actions' names and the MCP servers' allowed tools as the model knows them (`crm__find_customer`). */
  tools: readonly string[];
}

const noChoices: Choices = { widgets: new Map(), teams: new Map(), websites: [], tools: [] };

/** Loads the choices, each list once; a list that fails leaves its choices empty (the profile's own still show). */
function useChoices(api: BotProfilesPageApi): Choices {
  const [choices, setChoices] = useState<Choices>(noChoices);
  useEffect(() => {
    let live = true;
    const set = (change: Partial<Choices>) => live && setChoices((current) => ({ ...current, ...change }));
    const ignore = () => {};
    api.listWidgets().then(({ widgets }) => set({ widgets: new Map(widgets.map((widget) => [widget.id, widget.name])) }), ignore);
    api.listTeams().then(({ teams }) => set({ teams: new Map(teams.map((team) => [team.id, team.name])) }), ignore);
    api.listKnowledgeSources().then(({ sources }) => set({ websites: sources.map(({ id, url }) => ({ id, url })) }), ignore);
    Promise.all([
      api.request<BotActionList>('GET', '/api/bot/actions').then(
        ({ actions }) => actions.map((action) => action.name),
        () => [],
      ),
      api.request<McpServerList>('GET', '/api/bot/mcp-servers').then(
        ({ servers }) => servers.flatMap((server) => server.tools.map((tool) => `${server.name}__${tool.name}`)),
        () => [],
      ),
    ]).then(([actions, mcpTools]) => set({ tools: [...actions, ...mcpTools] }));
    return () => {
      live = false;
    };
  }, [api]);
  return choices;
}

/** By name, any case, as the server lists them: one added or renamed goes where a reload would put it. */
const byName = (a: BotProfile, b: BotProfile) => a.name.toLowerCase().localeCompare(b.name.toLowerCase());

/** The page for admins, a notice for everyone else (the server refuses them too). */
export function BotProfiles({ api, isAdmin }: BotProfilesProps) {
  if (!isAdmin) {
    return (
      <section class="people-page" aria-labelledby="bot-profiles-title">
        <h1 id="bot-profiles-title">Bot profiles</h1>
        <p class="hint">Only admins can manage the bot profiles. Ask an admin of your organization.</p>
      </section>
    );
  }
  return <BotProfilesPage api={api} />;
}

/** The profiles: the form to add one, and the list. */
function BotProfilesPage({ api }: { api: BotProfilesPageApi }) {
  const calls = useRef(botProfilesApi(api)).current;
  const listing = useListing(async () => (await calls.list()).profiles);
  const choices = useChoices(api);
  const [status, setStatus] = useState<string | null>(null);
  // A new form after each profile added: the next one starts empty.
  const [formKey, setFormKey] = useState(0);

  const put = (profile: BotProfile) =>
    listing.setItems((current) => [...(current ?? []).filter((candidate) => candidate.id !== profile.id), profile].toSorted(byName));

  async function create(values: ProfileValues) {
    // A blank tone is left to the server: a new profile gets the tone a new widget's bot has.
    const { tone, ...rest } = values;
    const profile = await calls.create(tone === '' ? rest : values);
    put(profile);
    setStatus(`Added the profile “${profile.name}”.`);
    setFormKey(formKey + 1);
  }

  return (
    <section class="people-page" aria-labelledby="bot-profiles-title">
      <h1 id="bot-profiles-title">Bot profiles</h1>
      <p class="knowledge-intro">
        Named bots, each with its persona, model, instructions, knowledge and tools. A widget (Settings → Widgets) or a team (Settings →
        People) chooses one; a conversation gets its team’s profile, else its widget’s, else the widget’s own bot settings.
      </p>
      <p class="settings-saved" role="status">
        {status}
      </p>
      <section class="settings-section" aria-labelledby="bot-profile-add-title">
        <h2 id="bot-profile-add-title" class="team-settings-name">
          New profile
        </h2>
        <ProfileForm key={formKey} choices={choices} submitLabel="Add profile" busyLabel="Adding…" onSubmit={create} />
      </section>
      <section class="settings-section" aria-labelledby="bot-profile-list-title">
        <h2 id="bot-profile-list-title" class="team-settings-name">
          Profiles
        </h2>
        <Listing listing={listing} empty="No profile yet. Add one above, then choose it for a widget or a team.">
          {(profile) => (
            <ProfileItem
              key={profile.id}
              calls={calls}
              profile={profile}
              choices={choices}
              onChange={(updated, message) => {
                put(updated);
                setStatus(message);
              }}
              onDeleted={() => {
                listing.setItems((current) => current?.filter((candidate) => candidate.id !== profile.id) ?? null);
                setStatus(`Deleted the profile “${profile.name}”.`);
              }}
            />
          )}
        </Listing>
      </section>
      <EvalRuns api={api} />
    </section>
  );
}

/** What the widgets and teams that chose `profile` are called, as a sentence. */
export function usedByText(profile: Pick<BotProfile, 'usedBy'>, choices: Pick<Choices, 'widgets' | 'teams'>): string {
  const widgets = profile.usedBy.widgetIds.map((id) => choices.widgets.get(id) ?? 'a widget not listed');
  const teams = profile.usedBy.teamIds.map((id) => choices.teams.get(id) ?? 'a team not listed');
  const parts = [
    widgets.length > 0 && `${widgets.length === 1 ? 'Widget' : 'Widgets'}: ${widgets.join(', ')}.`,
    teams.length > 0 && `${teams.length === 1 ? 'Team' : 'Teams'}: ${teams.join(', ')}.`,
  ].filter(Boolean);
  return parts.length > 0 ? `Used by ${parts.join(' ')}` : 'Not used by any widget or team.';
}

interface ProfileItemProps {
  calls: BotProfilesApi;
  profile: BotProfile;
  choices: Choices;
  /** The server's copy after a change, and what to say about it. */
  onChange: (profile: BotProfile, status: string) => void;
  onDeleted: () => void;
}

/** The fields a profile's form edits, as a PATCH names them. */
const editedKeys = [
  'name',
  'description',
  'botName',
  'persona',
  'tone',
  'instructions',
  'businessFacts',
  'model',
  'handoff',
  'knowledgeScope',
  'tools',
  'toolPolicies',
] as const;

/** What an edit changes of `saved`: only those fields are sent, so that a concurrent edit of another one is kept. */
export function profileChanges(saved: BotProfile, values: ProfileValues): BotProfileUpdate {
  const changes: Record<string, unknown> = {};
  for (const key of editedKeys) if (JSON.stringify(values[key]) !== JSON.stringify(saved[key])) changes[key] = values[key];
  return changes as BotProfileUpdate;
}

/** One profile: its name, description and users, with Edit and Delete (after confirming). */
function ProfileItem({ calls, profile, choices, onChange, onDeleted }: ProfileItemProps) {
  const [mode, setMode] = useState<'view' | 'edit' | 'confirm-delete'>('view');
  const task = useTask();
  const inUse = profile.usedBy.widgetIds.length + profile.usedBy.teamIds.length > 0;

  if (mode === 'edit') {
    return (
      <li class="settings-section" aria-label={profile.name}>
        <ProfileForm
          initial={profile}
          choices={choices}
          submitLabel="Save changes"
          busyLabel="Saving…"
          onSubmit={async (values) => {
            const changes = profileChanges(profile, values);
            // Nothing changed: nothing to send.
            if (Object.keys(changes).length > 0) onChange(await calls.update(profile.id, changes), `Saved the profile “${values.name}”.`);
            setMode('view');
          }}
          onCancel={() => setMode('view')}
        />
      </li>
    );
  }

  return (
    <li class="settings-section" aria-label={profile.name}>
      <div>
        <strong>{profile.name}</strong>
        {profile.description && <p class="hint">{profile.description}</p>}
        <p class="hint">{usedByText(profile, choices)}</p>
      </div>
      {mode === 'confirm-delete' ? (
        <div class="people-confirm" role="group" aria-label={`Delete ${profile.name}?`}>
          <p>
            Delete the profile “{profile.name}”?{' '}
            {inUse ? 'The widgets and teams that use it go back to their widget’s own bot settings.' : 'No widget or team uses it.'} Bot
            messages it answered keep its name.
          </p>
          <div class="people-row-actions">
            <button
              type="button"
              class="button button-danger"
              disabled={task.busy}
              onClick={() =>
                void task.run(async () => {
                  await calls.remove(profile.id);
                  onDeleted();
                })
              }
            >
              {task.busy ? 'Deleting…' : 'Yes, delete'}
            </button>
            <button type="button" class="button button-ghost" disabled={task.busy} onClick={() => setMode('view')}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div class="people-row-actions">
          <button type="button" class="button" onClick={() => setMode('edit')}>
            Edit
          </button>
          <button
            type="button"
            class="button button-danger"
            onClick={() => {
              task.setError(null);
              setMode('confirm-delete');
            }}
          >
            Delete
          </button>
        </div>
      )}
      <FormError message={task.error} />
    </li>
  );
}

/** What the form sends: every field it edits. */
export interface ProfileValues {
  name: string;
  description: string;
  botName: string | null;
  persona: string;
  tone: string;
  instructions: string;
  businessFacts: string;
  model: string | null;
  handoff: { afterRepliesWithoutSource: number; afterNotHelpful: number; onProviderFailure: boolean };
  knowledgeScope: { tags: string[]; sourceIds: string[] };
  tools: string[] | null;
  /** Stricter policies than the tools' own, for this bot. */
  toolPolicies: Record<string, StricterPolicy>;
}

/** A policy a profile may set on a tool: the visitor confirms first, or an agent approves first. */
type StricterPolicy = 'confirm' | 'approve';

type ProfileField =
  | 'name'
  | 'description'
  | 'botName'
  | 'persona'
  | 'tone'
  | 'instructions'
  | 'businessFacts'
  | 'model'
  | 'handoff'
  | 'handoff.afterRepliesWithoutSource'
  | 'handoff.afterNotHelpful'
  | 'handoff.onProviderFailure'
  | 'knowledgeScope'
  | 'knowledgeScope.tags'
  | 'knowledgeScope.sourceIds'
  | 'tools'
  | 'toolPolicies';
const profileFields: readonly ProfileField[] = [
  'name',
  'description',
  'botName',
  'persona',
  'tone',
  'instructions',
  'businessFacts',
  'model',
  'handoff',
  'handoff.afterRepliesWithoutSource',
  'handoff.afterNotHelpful',
  'handoff.onProviderFailure',
  'knowledgeScope',
  'knowledgeScope.tags',
  'knowledgeScope.sourceIds',
  'tools',
  'toolPolicies',
];

/** The handoff rules of a new profile: a new widget's bot's. */
const defaultHandoff = { afterRepliesWithoutSource: 3, afterNotHelpful: 2, onProviderFailure: true };

/**
 * The error `failure`, its issues named without the place in a list (`body.knowledgeScope.tags.2` →
 * `body.knowledgeScope.tags`), so that each is said on the field that holds the list.
 */
function withListFields(failure: unknown): unknown {
  if (!ParleyError.isInstance(failure) || !failure.issues) return failure;
  return new ParleyError(failure.code, failure.message, {
    cause: failure,
    // A policy's issue names its tool (`body.toolPolicies.lookup_order`): said on the policies.
    issues: failure.issues.map((issue) => ({
      ...issue,
      path: issue.path.replace(/(\.\d+)+$/, '').replace(/^(body\.toolPolicies)\..+$/, '$1'),
    })),
  });
}

/** Tags typed comma-separated: trimmed, without blanks or repeats. */
const tagsOf = (text: string) => [...new Set(text.split(',').map((tag) => tag.trim()))].filter((tag) => tag !== '');

/** `list` with `item` in (checked) or out. */
const toggle = (list: string[], item: string, checked: boolean) => (checked ? [...list, item] : list.filter((other) => other !== item));

interface ProfileFormProps {
  /** The profile edited; none for a new one. */
  initial?: BotProfile;
  choices: Choices;
  submitLabel: string;
  busyLabel: string;
  /** Saves; rejects with the server's refusal, shown next to the fields it names. */
  onSubmit: (values: ProfileValues) => Promise<void>;
  onCancel?: () => void;
}

/** A profile's fields: adds one, or edits one. A blank name is said before anything is sent; the server checks the rest. */
function ProfileForm({ initial, choices, submitLabel, busyLabel, onSubmit, onCancel }: ProfileFormProps) {
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [botName, setBotName] = useState(initial?.botName ?? '');
  const [persona, setPersona] = useState(initial?.persona ?? '');
  const [tone, setTone] = useState(initial?.tone ?? '');
  const [instructions, setInstructions] = useState(initial?.instructions ?? '');
  const [businessFacts, setBusinessFacts] = useState(initial?.businessFacts ?? '');
  const [model, setModel] = useState(initial?.model ?? '');
  const [handoff, setHandoff] = useState<HandoffDraft>(handoffDraft(initial?.handoff ?? defaultHandoff));
  const [tags, setTags] = useState(initial?.knowledgeScope.tags.join(', ') ?? '');
  const [sourceIds, setSourceIds] = useState<string[]>(initial?.knowledgeScope.sourceIds ?? []);
  const [allTools, setAllTools] = useState(initial ? initial.tools === null : true);
  const [tools, setTools] = useState<string[]>(initial?.tools ?? []);
  const [policies, setPolicies] = useState<Record<string, StricterPolicy>>(initial?.toolPolicies ?? {});
  const form = useEditForm(profileFields, [], 'name');
  const { invalid, error: fieldError, hint } = form;
  const id = useId();

  // The websites and tools offered, and those the profile names that are not offered now (deleted, or not loaded).
  const websites = [
    ...choices.websites,
    ...sourceIds
      .filter((sourceId) => !choices.websites.some((site) => site.id === sourceId))
      .map((sourceId) => ({ id: sourceId, url: '' })),
  ];
  const toolNames = [...choices.tools, ...tools.filter((tool) => !choices.tools.includes(tool))];
  const offeredTools = allTools ? toolNames : toolNames.filter((tool) => tools.includes(tool));

  async function submit(event: Event) {
    event.preventDefault();
    if (form.busy) return;
    if (name.trim() === '') {
      form.refuse({ name: 'A profile needs a name.' });
      return;
    }
    const values: ProfileValues = {
      name: name.trim(),
      description,
      botName: botName.trim() || null,
      persona,
      tone,
      instructions,
      businessFacts,
      model: model.trim() || null,
      handoff: handoffValues(handoff),
      // In the order offered, as the checkboxes show them.
      knowledgeScope: { tags: tagsOf(tags), sourceIds: websites.map((site) => site.id).filter((siteId) => sourceIds.includes(siteId)) },
      tools: allTools ? null : toolNames.filter((tool) => tools.includes(tool)),
      // Only for the tools it may call, in the order shown.
      toolPolicies: Object.fromEntries(offeredTools.flatMap((tool) => (policies[tool] ? [[tool, policies[tool]]] : []))),
    };
    await form.save(async () => {
      try {
        await onSubmit(values);
      } catch (failure) {
        throw withListFields(failure);
      }
    });
  }

  const fieldErrors = form.refusal?.fields ?? {};

  return (
    <form class="settings-field" noValidate onSubmit={(event) => void submit(event)}>
      <label class="field">
        <span class="field-label">Name</span>
        <input
          required
          autocomplete="off"
          maxLength={PROFILE_LIMITS.name}
          placeholder="Billing bot"
          value={name}
          {...invalid('name', hint('name'))}
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </label>
      <p id={hint('name')} class="hint">
        What admins call it; only they see it.
      </p>
      {fieldError('name')}
      <label class="field">
        <span class="field-label">Description</span>
        <textarea
          rows={2}
          maxLength={PROFILE_LIMITS.description}
          value={description}
          {...invalid('description')}
          onInput={(event) => setDescription(event.currentTarget.value)}
        />
      </label>
      {fieldError('description')}
      <label class="field">
        <span class="field-label">Bot name</span>
        <input
          autocomplete="off"
          maxLength={PROFILE_LIMITS.botName}
          value={botName}
          {...invalid('botName', hint('botName'))}
          onInput={(event) => setBotName(event.currentTarget.value)}
        />
      </label>
      <p id={hint('botName')} class="hint">
        The name visitors see. Empty: the widget’s bot name.
      </p>
      {fieldError('botName')}
      <label class="field">
        <span class="field-label">Persona</span>
        <textarea
          rows={3}
          maxLength={PROFILE_TEXT_LIMITS.persona}
          placeholder="You are Sam, the billing assistant of Harbor & Pine."
          value={persona}
          {...invalid('persona')}
          onInput={(event) => setPersona(event.currentTarget.value)}
        />
      </label>
      {fieldError('persona')}
      <label class="field">
        <span class="field-label">Tone</span>
        <textarea
          rows={2}
          maxLength={PROFILE_TEXT_LIMITS.tone}
          value={tone}
          {...invalid('tone', initial ? undefined : hint('tone'))}
          onInput={(event) => setTone(event.currentTarget.value)}
        />
      </label>
      {!initial && (
        <p id={hint('tone')} class="hint">
          Empty: the tone a new widget’s bot has.
        </p>
      )}
      {fieldError('tone')}
      <label class="field">
        <span class="field-label">Instructions</span>
        <textarea
          rows={4}
          maxLength={PROFILE_TEXT_LIMITS.instructions}
          value={instructions}
          {...invalid('instructions', hint('instructions'))}
          onInput={(event) => setInstructions(event.currentTarget.value)}
        />
      </label>
      <p id={hint('instructions')} class="hint">
        How it works: steps to follow, what to ask for first, what never to do.
      </p>
      {fieldError('instructions')}
      <label class="field">
        <span class="field-label">Business facts</span>
        <textarea
          rows={4}
          maxLength={PROFILE_TEXT_LIMITS.businessFacts}
          value={businessFacts}
          {...invalid('businessFacts', hint('businessFacts'))}
          onInput={(event) => setBusinessFacts(event.currentTarget.value)}
        />
      </label>
      <p id={hint('businessFacts')} class="hint">
        Hours, policies, contact details the bot may rely on.
      </p>
      {fieldError('businessFacts')}
      <label class="field">
        <span class="field-label">Model</span>
        <input
          autocomplete="off"
          spellcheck={false}
          maxLength={PROFILE_LIMITS.model}
          placeholder="claude-haiku-5-5"
          value={model}
          {...invalid('model', hint('model'))}
          onInput={(event) => setModel(event.currentTarget.value)}
        />
      </label>
      <p id={hint('model')} class="hint">
        The model id, as the provider names it. Empty: the server’s default model.
      </p>
      {fieldError('model')}
      <HandoffFields
        values={handoff}
        onChange={(change) => setHandoff({ ...handoff, ...change })}
        errors={{
          afterRepliesWithoutSource: fieldErrors['handoff.afterRepliesWithoutSource'] ?? fieldErrors.handoff,
          afterNotHelpful: fieldErrors['handoff.afterNotHelpful'],
          onProviderFailure: fieldErrors['handoff.onProviderFailure'],
        }}
        idPrefix={`${id}-handoff`}
      />
      <fieldset class="member-choices" {...invalid('knowledgeScope', hint('knowledgeScope'))}>
        <legend>Knowledge</legend>
        <p id={hint('knowledgeScope')} class="hint">
          The documents it answers from: those with one of the tags, or synced from one of the websites checked. Neither: the whole
          knowledge base.
        </p>
        <label class="field">
          <span class="field-label">Knowledge tags</span>
          <input
            autocomplete="off"
            placeholder="billing, refunds"
            value={tags}
            {...invalid('knowledgeScope.tags', hint('knowledgeScope.tags'))}
            onInput={(event) => setTags(event.currentTarget.value)}
          />
        </label>
        <p id={hint('knowledgeScope.tags')} class="hint">
          Separated by commas.
        </p>
        {fieldError('knowledgeScope.tags')}
        <div role="group" aria-label="Websites" {...invalid('knowledgeScope.sourceIds')}>
          <p class="field-label" aria-hidden="true">
            Websites
          </p>
          {websites.length === 0 ? (
            <p class="hint">No website in the knowledge base.</p>
          ) : (
            websites.map((site) => (
              <label key={site.id} class="checkbox-field">
                <input
                  type="checkbox"
                  checked={sourceIds.includes(site.id)}
                  onChange={(event) => setSourceIds(toggle(sourceIds, site.id, event.currentTarget.checked))}
                />
                {site.url || 'A website no longer listed'}
              </label>
            ))
          )}
        </div>
        {fieldError('knowledgeScope.sourceIds')}
        {fieldError('knowledgeScope')}
      </fieldset>
      <fieldset class="member-choices" {...invalid('tools')}>
        <legend>Tools</legend>
        <label class="checkbox-field">
          <input type="radio" name={`${id}-tools`} checked={allTools} onChange={() => setAllTools(true)} />
          Every enabled action and MCP tool
        </label>
        <label class="checkbox-field">
          <input type="radio" name={`${id}-tools`} checked={!allTools} onChange={() => setAllTools(false)} />
          Only the tools checked below
        </label>
        {!allTools && (
          <div role="group" aria-label="Tools it may call">
            {toolNames.length === 0 ? (
              <p class="hint">No bot action or MCP tool yet (Settings → API & webhooks): it calls none.</p>
            ) : (
              toolNames.map((tool) => (
                <label key={tool} class="checkbox-field">
                  <input
                    type="checkbox"
                    checked={tools.includes(tool)}
                    onChange={(event) => setTools(toggle(tools, tool, event.currentTarget.checked))}
                  />
                  <code>{tool}</code>
                  {!choices.tools.includes(tool) && <span class="hint"> (not offered now)</span>}
                </label>
              ))
            )}
          </div>
        )}
        <p class="hint">Whichever it is, the bot’s own tools (handing over, for one) are always there.</p>
      </fieldset>
      {fieldError('tools')}
      {offeredTools.length > 0 && (
        <fieldset class="member-choices" {...invalid('toolPolicies')}>
          <legend>Stricter policies</legend>
          <p class="hint">For this bot only. A tool that already waits for more keeps its own policy: a profile never loosens one.</p>
          {offeredTools.map((tool) => (
            <label key={tool} class="field">
              <code>{tool}</code>
              <select
                aria-label={`Policy of ${tool}`}
                value={policies[tool] ?? ''}
                onChange={(event) => {
                  const chosen = event.currentTarget.value;
                  const { [tool]: _dropped, ...rest } = policies;
                  setPolicies(chosen === 'confirm' || chosen === 'approve' ? { ...rest, [tool]: chosen } : rest);
                }}
              >
                <option value="">Its own policy</option>
                <option value="confirm">The visitor confirms first</option>
                <option value="approve">An agent approves first</option>
              </select>
            </label>
          ))}
          {fieldError('toolPolicies')}
        </fieldset>
      )}
      <FormFooter form={form} submitLabel={submitLabel} busyLabel={busyLabel} onCancel={onCancel} />
    </form>
  );
}
