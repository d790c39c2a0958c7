/**
 * A follow-up's panel in the conversation view: its status, its priority, whether it waits on the customer, and its
 * running SLA clocks, counted down against the current time.
 * @module
 */
import type { SlaClock, Ticket, TicketPriority, TicketUpdate } from '@parley/protocol';
import { useId, useState } from 'preact/hooks';
import { activeTicketStatuses } from '../conversation-store.js';
import { formatFullTime, priorityLabel, slaClockText, slaStateLabel, ticketPriorities, ticketStatusLabel } from '../format.js';
import { useNow } from '../use-now.js';

/** Props of {@link TicketPanel}. */
export interface TicketPanelProps {
  ticket: Ticket;
  /** Resolves once the server answered; a refusal becomes the view's notice. */
  onUpdate: (update: TicketUpdate) => Promise<void>;
}

// Clocks count minutes: a re-render every half minute keeps them right to the minute.
const CLOCK_REFRESH_MS = 30_000;

function ClockLine({ clock, now }: { clock: SlaClock; now: Date }) {
  const state = slaStateLabel(clock.state);
  return (
    <li class={`sla-clock sla-clock-${clock.state}`}>
      {state && <span class="sla-state">{state}</span>}
      <span title={clock.dueAt ? formatFullTime(clock.dueAt) : undefined}>{slaClockText(clock, now)}</span>
    </li>
  );
}

/** Status, priority menu, "Waiting on customer" toggle and SLA clocks of a follow-up. */
export function TicketPanel({ ticket, onUpdate }: TicketPanelProps) {
  const id = useId();
  const now = new Date(useNow(CLOCK_REFRESH_MS));
  const [toggling, setToggling] = useState(false);
  const active = activeTicketStatuses.has(ticket.status);
  const pending = ticket.status === 'pending';

  async function togglePending() {
    // aria-disabled rather than disabled while the change is on its way: a disabled button drops keyboard focus.
    if (toggling) return;
    setToggling(true);
    try {
      await onUpdate({ pending: !pending });
    } finally {
      setToggling(false);
    }
  }

  return (
    <section class="ticket-panel" aria-labelledby={`${id}-title`}>
      <div class="ticket-panel-header">
        <h3 id={`${id}-title`}>Follow-up</h3>
        <span class={`ticket-status ticket-status-${ticket.status}`}>{ticketStatusLabel(ticket.status)}</span>
        <label class="ticket-priority">
          <span>Priority</span>
          {/* Saved on change, like the presence menu: the menu stays usable, so arrowing through it keeps focus. */}
          <select value={ticket.priority} onChange={(event) => void onUpdate({ priority: event.currentTarget.value as TicketPriority })}>
            {ticketPriorities.map((priority) => (
              <option key={priority} value={priority}>
                {priorityLabel(priority)}
              </option>
            ))}
          </select>
        </label>
        {active && (
          <button
            type="button"
            class="button ticket-pending-toggle"
            aria-pressed={pending}
            aria-disabled={toggling || undefined}
            onClick={() => void togglePending()}
          >
            Waiting on customer
          </button>
        )}
      </div>
      {ticket.sla.length > 0 ? (
        <ul class="sla-clocks" aria-label="SLA clocks">
          {ticket.sla.map((clock) => (
            <ClockLine key={`${clock.metric}@${clock.startedAt}`} clock={clock} now={now} />
          ))}
        </ul>
      ) : (
        active && <p class="sla-none">No SLA clock is running.</p>
      )}
    </section>
  );
}
