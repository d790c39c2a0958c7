/**
 * How a call of a tool whose policy is `confirm` or `approve` waits for its decision (`ToolPause`), for the tools of
 * every source (HTTP actions, MCP servers): the plain-words summary the visitor and agents read, the team that decides,
 * the timeout. Pure.
 * @module
 */
import { renderText } from '../../actions/template.js';
import type { ToolPause } from './registry.js';

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
