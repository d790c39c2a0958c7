/**
 * Proactive messages (the widget's `proactive` settings), a chunk of its own loaded only for widgets that have some:
 * the first rule that applies shows as a bubble above the launcher, never taking the focus; a click opens the chat, and
 * the message the visitor then sends starts the conversation with the rule's message. A visitor sees a rule at most
 * once in its `repeatAfterDays`, counted in this browser's storage.
 * @module
 */
import { matchesUrlPattern, type ProactiveRule } from '@parley/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { MainCatalog } from './i18n/en.js';
import { withExtras } from './i18n/en-extras.js';
import styles from './proactive.css?inline';

/** A visit ends after this long without a page load of the site (as web analytics count sessions). */
const VISIT_GAP_MS = 30 * 60_000;
const DAY_MS = 86_400_000;
/** Storage keys: per site (the page's origin), like the visits they count, not per widget key. */
const VISITS_KEY = 'parley:visits';
const SHOWN_KEY = 'parley:proactive';

/** What storage holds under a key, or `fallback` when nothing readable (no storage, a blocked one, other JSON). */
function read<T extends object>(key: string, fallback: T): T {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? 'null');
    return value && typeof value === 'object' ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

function write(key: string, value: object) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or blocked: the rule may show again on a later page, nothing worse.
  }
}

/**
 * Counts this page load into the browser's visits to the site and returns the visit's number (1: the first). A page
 * loaded within 30 minutes of the last one continues its visit.
 */
export function countVisit(now = Date.now()): number {
  const last = read<{ n?: unknown; at?: unknown }>(VISITS_KEY, {});
  const count = typeof last.n === 'number' && last.n > 0 ? last.n : 0;
  const at = typeof last.at === 'number' ? last.at : 0;
  const visit = count === 0 || now - at > VISIT_GAP_MS ? count + 1 : count;
  write(VISITS_KEY, { n: visit, at: now });
  return visit;
}

/** Whether `rule` may show now: not shown to this browser within its `repeatAfterDays`. */
function due(rule: ProactiveRule, now: number): boolean {
  const shownAt = read<Record<string, unknown>>(SHOWN_KEY, {})[rule.id];
  return typeof shownAt !== 'number' || now - shownAt >= rule.repeatAfterDays * DAY_MS;
}

function remember(rule: ProactiveRule, now: number) {
  write(SHOWN_KEY, { ...read(SHOWN_KEY, {}), [rule.id]: now });
}

/** Visits are counted once per page load, however often the bubble's component mounts. */
let visit: number | undefined;

/** Props of {@link Proactive}. */
export interface ProactiveProps {
  rules: readonly ProactiveRule[];
  /** Ids the page asked for with `Parley.trigger(id)`, in order: each new one shows its rule, whatever its conditions. */
  triggered: readonly string[];
  /**
   * While true nothing shows and no rule fires: the panel is open, a reply's preview is up, or the visitor is in a
   * conversation already (an answer would not start one). A rule whose time comes meanwhile is skipped for this page.
   */
  hidden: boolean;
  botName: string;
  text: MainCatalog;
  /** The visitor clicked the bubble of `rule`: open the chat for their answer. */
  onAnswer: (rule: ProactiveRule) => void;
}

/**
 * The bubble of the proactive message whose time came: automatic rules when the page's path and query match their
 * `urlPattern`, this is at least their `minVisits`-th visit, and the visitor has been on the page `delaySeconds`
 * (counted from the page's start); page-triggered rules when the page calls for them. One bubble per page at most.
 */
export function Proactive({ rules, triggered, hidden, botName, text, onAnswer }: ProactiveProps) {
  const [shown, setShown] = useState<ProactiveRule | null>(null);
  const [dismissed, setDismissed] = useState(false);
  const hiddenNow = useRef(hidden);
  hiddenNow.current = hidden;
  const done = useRef(false);

  function show(rule: ProactiveRule | undefined) {
    const now = Date.now();
    if (!rule || done.current || hiddenNow.current || !due(rule, now)) return;
    done.current = true;
    remember(rule, now);
    setShown(rule);
  }

  useEffect(() => {
    visit ??= countVisit();
    const page = location.pathname + location.search;
    const timers = rules
      .filter((rule) => rule.trigger === 'auto' && visit! >= rule.minVisits && matchesUrlPattern(rule.urlPattern, page))
      .map((rule) => setTimeout(() => show(rule), rule.delaySeconds * 1000 - performance.now()));
    return () => timers.forEach(clearTimeout);
  }, []);

  const asked = triggered.at(-1);
  useEffect(() => {
    if (asked !== undefined) show(rules.find((rule) => rule.id === asked));
  }, [triggered.length]);

  const visible = shown && !hidden && !dismissed;
  return (
    <>
      {visible && (
        <div class="invite">
          <style>{styles}</style>
          <button type="button" class="preview" onClick={() => onAnswer(shown)}>
            <b>{botName}</b>
            {shown.message}
          </button>
          <button type="button" class="dismiss" aria-label={withExtras(text).dismiss} onClick={() => setDismissed(true)}>
            ×
          </button>
        </div>
      )}
      {/* Announced politely, never focused: the visitor may be typing in the page. */}
      <p class="hidden" role="status">
        {visible ? `${botName}: ${shown.message}` : ''}
      </p>
    </>
  );
}
