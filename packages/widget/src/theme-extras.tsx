/**
 * What only widgets with a theme of their own need, in a chunk loaded for them alone: the dark theme's colors, the
 * launcher's label and the header's team name and agents (`theme.css`), and that header.
 * @module
 */
import { initials } from './initials.js';
import type { WidgetAppearance } from './widget-settings.js';

export { default as styles } from './theme.css?inline';

/**
 * The panel's heading with the team's name under the title and, beside them, the pictures (else the initials) of up to
 * three agents who may answer (the widget's `teamName` and `showAgents` settings).
 */
export function Heading({ title, settings }: { title: string; settings: WidgetAppearance | undefined }) {
  return (
    <>
      <div>
        <h2>{title}</h2>
        {settings?.teamName && <p>{settings.teamName}</p>}
      </div>
      {/* Decorative: the team's name says who they are. */}
      {!!settings?.agents?.length && (
        <div class="agents" aria-hidden="true">
          {settings.agents.map((agent) => (
            <span key={agent.name}>{agent.avatarUrl ? <img src={agent.avatarUrl} alt="" /> : initials(agent.name)}</span>
          ))}
        </div>
      )}
    </>
  );
}
