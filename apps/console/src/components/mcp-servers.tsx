/**
 * Settings → API & webhooks → MCP servers (admins), in the page's lazy chunk (webhooks-page.tsx imports it). The
 * organization's MCP servers (Streamable HTTP), whose tools the bot may call: the list (name, address, enabled or not,
 * the tools the bot may use and those that wait for a decision), a form to add one, and for each one editing (with when
 * the bot may call each of its tools, as a bot action's policy: bot-action-policy.tsx), enabling or disabling, choosing
 * its tools (from what the server offers now) and deleting (after confirming). Secrets are write-only, as for bot actions. Everything
 * is shown as text, never as HTML: names and addresses come from admins, tool names and descriptions from the MCP
 * server. The calls to `/api/bot/mcp-servers` are made here, over the API's generic `request`, so that the bundle every
 * agent loads does not carry them.
 * @module
 */
import type { BotActionPolicy, McpServer, McpServerCreate, McpServerList, McpServerTools, McpServerUpdate, Team } from '@parley/protocol';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';
import {
  EnabledField,
  HeadersAndSecretsFields,
  recordFields,
  secretsToSet,
  TimeoutField,
  ToolButtons,
  useHeadersAndSecrets,
  useTimeoutSeconds,
  useToolActions,
  useToolListing,
  type HeadersAndSecrets,
  type ToolFormProps,
} from './bot-tool-forms.js';
import { ApproverTeamField, DecisionTimeField, policyOptions, useDecisionTime, waitSummary } from './bot-action-policy.js';
import { FormError, FormFooter, Listing, refusalOf, useEditForm, useTask, type Refusal } from './settings-forms.js';

const path = (serverId: string) => `/api/bot/mcp-servers/${encodeURIComponent(serverId)}`;

/** The `/api/bot/mcp-servers` routes, over the console's generic request (same token, same errors). */
export function mcpServersApi({ request }: Pick<ConsoleApi, 'request'>) {
  return {
    list: () => request<McpServerList>('GET', '/api/bot/mcp-servers'),
    create: (body: McpServerCreate) => request<McpServer>('POST', '/api/bot/mcp-servers', body),
    tools: (serverId: string) => request<McpServerTools>('GET', `${path(serverId)}/tools`),
    update: (serverId: string, body: McpServerUpdate) => request<McpServer>('PATCH', path(serverId), body),
    remove: (serverId: string) => request<void>('DELETE', path(serverId)),
  };
}

type McpServersApi = ReturnType<typeof mcpServersApi>;

// The protocol's MCP_SERVER_LIMITS and name rule, copied: a value imported from its mcp-servers module would bring that
// module's zod schemas, and zod, into this chunk. mcp-servers.test.tsx checks that they match.
export const MCP_NAME_MAX_LENGTH = 31;
export const MCP_URL_MAX_LENGTH = 2000;
export const MCP_SECRET_MAX_LENGTH = 4000;
export const MCP_TOOLS_MAX = 50;
export const MCP_TIMEOUT_MAX_MS = 60_000;
/** The protocol's shortest timeout (its timeout schema's minimum). */
export const MCP_TIMEOUT_MIN_MS = 500;
/** The protocol's default timeout, a new server's. */
export const MCP_TIMEOUT_DEFAULT_MS = 15_000;

/** The MCP servers: the form to add one, and the list. `listTeams`: the approver team's choices. */
export function McpServers({ api, teams }: { api: Pick<ConsoleApi, 'request'>; teams: readonly Team[] }) {
  const calls = useRef(mcpServersApi(api)).current;
  const { listing, put, drop } = useToolListing(async () => (await calls.list()).servers);
  const [status, setStatus] = useState<string | null>(null);
  // A new form after each server added: the next one starts empty.
  const [formKey, setFormKey] = useState(0);

  async function create(values: ServerValues) {
    // No tool yet: the admin picks them from what the server offers, once it is added (Choose tools).
    const server = await calls.create({ ...values, secrets: secretsToSet(values.secrets), allowedTools: [] });
    put(server);
    setStatus(`Added the MCP server “${server.name}”. Choose the tools the bot may use.`);
    setFormKey(formKey + 1);
  }

  return (
    <section class="people-page" aria-labelledby="mcp-servers-title">
      <h2 id="mcp-servers-title">MCP servers</h2>
      <p class="knowledge-intro">
        Model Context Protocol servers whose tools the bot may call while it answers a visitor. Add a server, then choose which of its tools
        the bot may use: it sees each one as <code>name__tool</code>. Secrets are sent in headers and never shown again.
      </p>
      <p class="hint">
        Parley connects to each server over Streamable HTTP from its own machine, through the same address checks as other outbound
        requests.
      </p>
      <p class="settings-saved" role="status">
        {status}
      </p>
      <section class="settings-section" aria-labelledby="mcp-server-add-title">
        <h3 id="mcp-server-add-title" class="team-settings-name">
          New MCP server
        </h3>
        <ServerForm key={formKey} teams={teams} submitLabel="Add server" busyLabel="Adding…" onSubmit={create} />
      </section>
      <section class="settings-section" aria-labelledby="mcp-server-list-title">
        <h3 id="mcp-server-list-title" class="team-settings-name">
          Servers
        </h3>
        <Listing listing={listing} empty="No MCP server yet. Add one above for the bot to use its tools.">
          {(server) => (
            <ServerItem
              key={server.id}
              calls={calls}
              server={server}
              teams={teams}
              onChange={(updated, message) => {
                put(updated);
                setStatus(message);
              }}
              onDeleted={() => {
                drop(server.id);
                setStatus(`Deleted the MCP server “${server.name}”.`);
              }}
            />
          )}
        </Listing>
      </section>
    </section>
  );
}

// A tool's policy is a field of its own (`toolPolicies.<tool>`), whose refusal shows by that tool.
type ServerField =
  | 'name'
  | 'url'
  | 'headers'
  | 'secrets'
  | 'timeoutMs'
  | 'enabled'
  | 'toolPolicies'
  | `toolPolicies.${string}`
  | 'approverTeamId'
  | 'decisionTimeoutSeconds';
const serverFields: readonly ServerField[] = [
  'name',
  'url',
  'headers',
  'secrets',
  'timeoutMs',
  'enabled',
  'toolPolicies',
  'approverTeamId',
  'decisionTimeoutSeconds',
];

/** What the form sends: every field but the tools, and the secrets to set (a value) or remove (null). */
export type ServerValues = Required<Omit<McpServerCreate, 'secrets' | 'allowedTools'>> & Pick<HeadersAndSecrets, 'secrets'>;

/**
 * An MCP server's fields: adds one, or edits one. What can be checked here (header lines, the timeout, a secret half
 * filled) is said on its field before anything is sent; the server checks the rest.
 */
function ServerForm({
  initial,
  teams,
  submitLabel,
  busyLabel,
  onSubmit,
  onCancel,
}: ToolFormProps<McpServer, ServerValues> & { teams: readonly Team[] }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [url, setUrl] = useState(initial?.url ?? '');
  const headersAndSecrets = useHeadersAndSecrets(initial);
  const timeout = useTimeoutSeconds(initial?.timeoutMs ?? MCP_TIMEOUT_DEFAULT_MS, { minMs: MCP_TIMEOUT_MIN_MS, maxMs: MCP_TIMEOUT_MAX_MS });
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  // The tools the bot may use (none for a new server: they are chosen once it is added), each with its policy.
  const tools = initial?.tools ?? [];
  const [policies, setPolicies] = useState<Record<string, BotActionPolicy>>(initial?.toolPolicies ?? {});
  const policyOf = (tool: string) => policies[tool] ?? 'auto';
  const [approverTeamId, setApproverTeamId] = useState(initial?.approverTeamId ?? null);
  const decisionTime = useDecisionTime(initial?.decisionTimeoutSeconds);
  const form = useEditForm([...serverFields, ...tools.map((tool) => `toolPolicies.${tool.name}` as const)], recordFields, 'name');
  const { invalid, error: fieldError, hint } = form;
  const waits = (policy: BotActionPolicy) => tools.some((tool) => policyOf(tool.name) === policy);

  async function submit(event: Event) {
    event.preventDefault();
    if (form.busy) return;
    const { values: headersAndSecretsValues, issues } = headersAndSecrets.read();
    const fields: Refusal<ServerField>['fields'] = { ...issues };
    const { timeoutMs, issue: timeoutIssue } = timeout.read();
    if (timeoutIssue) fields.timeoutMs = timeoutIssue;
    const { seconds: decisionTimeoutSeconds, issue: decisionIssue } = decisionTime.read(waits('confirm') || waits('approve'));
    if (decisionIssue) fields.decisionTimeoutSeconds = decisionIssue;
    if (Object.keys(fields).length > 0) {
      form.refuse(fields);
      return;
    }
    // Only the tools that wait, of those the bot may use: any other runs automatically.
    const toolPolicies: Record<string, BotActionPolicy> = {};
    for (const tool of tools) if (policyOf(tool.name) !== 'auto') toolPolicies[tool.name] = policyOf(tool.name);
    await form.save(() =>
      onSubmit({
        name: name.trim(),
        url: url.trim(),
        ...headersAndSecretsValues,
        timeoutMs,
        toolPolicies,
        approverTeamId,
        decisionTimeoutSeconds,
        enabled,
      }),
    );
  }

  return (
    <form class="settings-field" noValidate onSubmit={(event) => void submit(event)}>
      <label class="field">
        <span class="field-label">Name</span>
        <input
          required
          autocomplete="off"
          spellcheck={false}
          maxLength={MCP_NAME_MAX_LENGTH}
          placeholder="crm"
          value={name}
          {...invalid('name', hint('name'))}
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </label>
      <p id={hint('name')} class="hint">
        Lowercase letters, digits and underscores. The bot sees its tools as <code>name__tool</code>.
      </p>
      {fieldError('name')}
      <label class="field">
        <span class="field-label">URL</span>
        <input
          type="url"
          required
          autocomplete="off"
          spellcheck={false}
          maxLength={MCP_URL_MAX_LENGTH}
          placeholder="https://mcp.example.com/mcp"
          value={url}
          {...invalid('url', hint('url'))}
          onInput={(event) => setUrl(event.currentTarget.value)}
        />
      </label>
      <p id={hint('url')} class="hint">
        The server’s Streamable HTTP endpoint, such as <code>https://mcp.example.com/mcp</code>.
      </p>
      {fieldError('url')}
      <HeadersAndSecretsFields
        group={headersAndSecrets}
        form={form}
        headersPlaceholder="Authorization: Bearer {{secrets.CRM_TOKEN}}"
        secretPlaceholder="CRM_TOKEN"
        secretMaxLength={MCP_SECRET_MAX_LENGTH}
      />
      <TimeoutField timeout={timeout} form={form} />
      {tools.length === 0 ? (
        <p class="hint">Once its tools are chosen, edit the server to say when the bot may call each one.</p>
      ) : (
        <fieldset class="member-choices" {...invalid('toolPolicies')}>
          <legend>When the bot may call each tool</legend>
          {tools.map((tool) => {
            const field = `toolPolicies.${tool.name}` as const;
            return (
              <div key={tool.name}>
                <label class="field">
                  <span class="field-label">{tool.name}</span>
                  <select
                    value={policyOf(tool.name)}
                    {...invalid(field)}
                    onChange={(event) => setPolicies({ ...policies, [tool.name]: event.currentTarget.value as BotActionPolicy })}
                  >
                    {policyOptions()}
                  </select>
                </label>
                {fieldError(field)}
              </div>
            );
          })}
        </fieldset>
      )}
      {fieldError('toolPolicies')}
      {waits('approve') && <ApproverTeamField value={approverTeamId} onChange={setApproverTeamId} teams={teams} form={form} />}
      {(waits('confirm') || waits('approve')) && (
        <DecisionTimeField time={decisionTime} form={form}>
          Nobody decided by then: the tool is not called.
        </DecisionTimeField>
      )}
      <EnabledField checked={enabled} onChange={setEnabled} form={form} />
      <FormFooter form={form} submitLabel={submitLabel} busyLabel={busyLabel} onCancel={onCancel} />
    </form>
  );
}

interface ToolPickerProps {
  calls: McpServersApi;
  server: McpServer;
  /** The server's copy after the tools were saved. */
  onSaved: (server: McpServer) => void;
  onCancel: () => void;
}

/**
 * The tools an MCP server offers now (Parley asks it), a checkbox each, checked for those the bot may use; Save
 * replaces the list. A tool's name and description come from the MCP server: shown as text.
 */
function ToolPicker({ calls, server, onSaved, onCancel }: ToolPickerProps) {
  const [offered, setOffered] = useState<McpServerTools['tools'] | null>(null);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [loadError, setLoadError] = useState<string | null>(null);
  const { busy, error, setError, run } = useTask();
  const titleId = useId();

  async function load() {
    setLoadError(null);
    setOffered(null);
    try {
      const { tools } = await calls.tools(server.id);
      setOffered(tools);
      setChosen(new Set(tools.filter((tool) => tool.allowed).map((tool) => tool.name)));
    } catch (failure) {
      setLoadError(errorMessage(failure));
    }
  }

  useEffect(() => {
    void load();
  }, []);

  const toggle = (toolName: string, checked: boolean) => {
    const next = new Set(chosen);
    if (checked) next.add(toolName);
    else next.delete(toolName);
    setChosen(next);
  };

  function save(event: Event) {
    event.preventDefault();
    if (busy || offered === null) return;
    // In the order the server lists them.
    const allowedTools = offered.filter((tool) => chosen.has(tool.name)).map((tool) => tool.name);
    if (allowedTools.length > MCP_TOOLS_MAX) {
      setError(`The bot may use at most ${MCP_TOOLS_MAX} tools of a server.`);
      return;
    }
    void run(async () => {
      try {
        onSaved(await calls.update(server.id, { allowedTools }));
      } catch (failure) {
        // A tool the server no longer offers, or too many: said as the server says it.
        const refusal = refusalOf(failure, ['allowedTools'] as const);
        setError(refusal.fields.allowedTools ?? refusal.message);
      }
    });
  }

  // Tools the bot may use that the server no longer offers: saving drops them.
  const gone = offered === null ? [] : server.tools.filter((tool) => !offered.some((candidate) => candidate.name === tool.name));

  return (
    <form class="settings-field" aria-labelledby={titleId} onSubmit={save}>
      <h4 id={titleId} class="team-settings-name">
        Tools of {server.name}
      </h4>
      {loadError ? (
        <>
          <p class="form-error" role="alert">
            {loadError}
          </p>
          <div class="settings-actions">
            <button type="button" class="button" onClick={() => void load()}>
              Try again
            </button>
            <button type="button" class="button button-ghost" onClick={onCancel}>
              Cancel
            </button>
          </div>
        </>
      ) : offered === null ? (
        <p class="hint">Asking the server for its tools…</p>
      ) : (
        <>
          {offered.length === 0 ? (
            <p class="hint">The server offers no tool.</p>
          ) : (
            <fieldset class="member-choices">
              <legend>Tools the bot may use</legend>
              {offered.map((tool) => (
                <label key={tool.name} class="checkbox-field">
                  <input
                    type="checkbox"
                    checked={chosen.has(tool.name)}
                    onChange={(event) => toggle(tool.name, event.currentTarget.checked)}
                  />
                  <span>
                    <code>{tool.name}</code>
                    {tool.description && <span class="hint"> {tool.description}</span>}
                  </span>
                </label>
              ))}
            </fieldset>
          )}
          {gone.length > 0 && (
            <p class="settings-warning">
              No longer offered by the server, so no longer used once saved: {gone.map((tool) => tool.name).join(', ')}.
            </p>
          )}
          <FormError message={error} />
          <div class="settings-actions">
            <button type="submit" class="button button-primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save tools'}
            </button>
            <button type="button" class="button button-ghost" disabled={busy} onClick={onCancel}>
              Cancel
            </button>
          </div>
        </>
      )}
    </form>
  );
}

interface ServerItemProps {
  calls: McpServersApi;
  server: McpServer;
  /** The organization's teams, for the approver team's choices and name. */
  teams: readonly Team[];
  /** The server's copy after a change, and what to say about it. */
  onChange: (server: McpServer, status: string) => void;
  onDeleted: () => void;
}

/** One MCP server: its name, address, state and tools, and Edit, Enable or Disable, Choose tools, Delete. */
function ServerItem({ calls, server, teams, onChange, onDeleted }: ServerItemProps) {
  const [mode, setMode] = useState<'view' | 'edit' | 'tools'>('view');
  const actions = useToolActions<McpServer, ServerValues>({
    tool: server,
    noun: 'MCP server',
    deleteConsequence: 'The bot can no longer use its tools, and its secrets are deleted.',
    update: calls.update,
    remove: calls.remove,
    onChange,
    onDeleted,
  });

  if (mode === 'edit') {
    return (
      <li class="settings-section" aria-label={server.name}>
        <ServerForm
          initial={server}
          teams={teams}
          submitLabel="Save changes"
          busyLabel="Saving…"
          onSubmit={async (values) => {
            await actions.saveEdit(values);
            setMode('view');
          }}
          onCancel={() => setMode('view')}
        />
      </li>
    );
  }

  return (
    <li class="settings-section" aria-label={server.name}>
      <div>
        <strong>{server.name}</strong> <span class="people-status">{server.enabled ? 'Enabled' : 'Disabled'}</span>
        <p>
          <code class="invitation-link-url">{server.url}</code>
        </p>
        <p class="hint">
          {server.tools.length > 0
            ? `Tools the bot may use: ${server.tools.map((tool) => tool.name).join(', ')}`
            : 'No tool chosen: the bot uses none of its tools yet.'}
        </p>
        {server.tools.map((tool) => {
          const policy = server.toolPolicies[tool.name];
          return (
            policy &&
            policy !== 'auto' && (
              <p key={tool.name} class="hint">
                {tool.name}: {waitSummary(policy, server.approverTeamId, teams)}
              </p>
            )
          );
        })}
        {server.secretNames.length > 0 && <p class="hint">Secrets: {server.secretNames.join(', ')}</p>}
      </div>
      {mode === 'tools' ? (
        <ToolPicker
          calls={calls}
          server={server}
          onSaved={(updated) => {
            setMode('view');
            onChange(updated, `Saved the tools of “${updated.name}”.`);
          }}
          onCancel={() => setMode('view')}
        />
      ) : (
        <ToolButtons tool={server} actions={actions} onEdit={() => setMode('edit')}>
          <button type="button" class="button" disabled={actions.busy} onClick={() => setMode('tools')}>
            Choose tools
          </button>
        </ToolButtons>
      )}
      <FormError message={actions.error} />
    </li>
  );
}
