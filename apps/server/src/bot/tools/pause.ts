/**
 * How a call of a tool whose policy is `confirm` or `approve` waits for its decision (`ToolPause`), for the tools of
 * every source (HTTP actions, MCP servers): the plain-words summary the visitor and agents read, the team that decides,
 * the timeout. Pure.
 * @module
 */
import { renderText } from '../../actions/template.js';
import type { BotTool, ToolPause } from './registry.js';

/** What a source says about one of its tools that waits. */
export interface PauseSettings {
  policy: 'confirm' | 'approve';
  /** The tool's name, for the summary when it has no confirmation text. */
  name: string;
  /** Plain words with `{{field}}` for the inputs; empty: the name and the inputs. */
  confirmationText: string;
  teamId: string | null;
  timeoutSeconds: number;
}

/** The pause of a tool. */
export function toolPause(settings: PauseSettings): ToolPause {
  return {
    policy: settings.policy,
    summary(input) {
      const fields = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
      if (settings.confirmationText) return renderText(settings.confirmationText, fields);
      const given = Object.entries(fields).map(([name, value]) => `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
      return given.length > 0 ? `${settings.name} (${given.join(', ')})` : settings.name;
    },
    teamId: settings.policy === 'approve' ? settings.teamId : null,
    timeoutSeconds: settings.timeoutSeconds,
  };
}

/** How strict each policy is: a profile may only move a tool up this scale. */
const STRICTNESS = { auto: 0, confirm: 1, approve: 2 } as const;
/** The decision timeout of a pause a tool gets from a profile only (its source's default). */
const DEFAULT_TIMEOUT_SECONDS = 900;

/**
 * `tool` under a bot profile's `policy` for it: the stricter of that and the tool's own (a profile never loosens a
 * tool, and a tool made stricter later stays so). A pause the tool gets from the profile only keeps the tool's summary
 * when it has one, else says its name and inputs; any agent approves, within the default timeout. Only external tools
 * (actions, MCP tools) take policies.
 */
export function withProfilePolicy(tool: BotTool, policy: 'confirm' | 'approve' | undefined): BotTool {
  if (!policy || tool.kind !== 'external' || STRICTNESS[policy] <= STRICTNESS[tool.policy ?? 'auto']) return tool;
  const summary =
    tool.pause?.summary ?? toolPause({ policy, name: tool.name, confirmationText: '', teamId: null, timeoutSeconds: 0 }).summary;
  return {
    ...tool,
    policy,
    pause: {
      policy,
      summary,
      teamId: policy === 'approve' ? (tool.pause?.teamId ?? null) : null,
      timeoutSeconds: tool.pause?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    },
  };
}
