/**
 * A static picture of the widget for the Settings → Widgets page: the launcher in the accent colour at the chosen side,
 * and the open panel with the title, the greeting and a sample exchange. Pure Preact, no widget script: it follows the
 * form as the admin types.
 * @module
 */
import { MIN_CONTRAST, parseHexColor, readableTextColor } from '../contrast.js';

/** Props of {@link WidgetPreview}: the form's current values. */
export interface WidgetPreviewProps {
  title: string;
  greeting: string;
  /** `#rrggbb`; while the admin types something else, the last valid colour is passed as `fallbackColor`. */
  accentColor: string;
  fallbackColor: string;
  position: 'left' | 'right';
  botName: string;
}

/** The widget as a visitor would see it, opened. */
export function WidgetPreview({ title, greeting, accentColor, fallbackColor, position, botName }: WidgetPreviewProps) {
  const accent = parseHexColor(accentColor) ? accentColor : fallbackColor;
  const text = readableTextColor(accent);
  const onAccent = { background: accent, color: text.color };
  return (
    <figure class="widget-preview" aria-label="Preview of the widget">
      <div class={`widget-preview-page widget-preview-${position}`} data-testid="widget-preview">
        <div class="widget-preview-panel">
          <div class="widget-preview-header" style={onAccent}>
            {title.trim() || 'Chat with us'}
          </div>
          <div class="widget-preview-messages">
            {greeting.trim() && (
              <div class="widget-preview-message widget-preview-bot">
                <span class="widget-preview-author">{botName.trim() || 'Assistant'}</span>
                {greeting}
              </div>
            )}
            <div class="widget-preview-message widget-preview-visitor" style={onAccent}>
              Where is my order?
            </div>
          </div>
          <div class="widget-preview-input">
            <span>Write a message…</span>
            <span class="widget-preview-send" style={onAccent}>
              Send
            </span>
          </div>
        </div>
        <span class="widget-preview-launcher" style={onAccent} aria-hidden="true" />
      </div>
      <figcaption class="hint">
        Text on the accent: {text.color === '#ffffff' ? 'white' : 'near-black'}, contrast {text.ratio.toFixed(1)}:1.
      </figcaption>
      {!text.readable && (
        <p class="widget-preview-warning" role="status">
          Neither white nor dark text reaches a {MIN_CONTRAST}:1 contrast on {accent}: some visitors will struggle to read the header and
          buttons. Pick a darker or a lighter colour.
        </p>
      )}
    </figure>
  );
}
