import type { ErrorBody, Role } from '@parley/protocol';
import type { Widget } from '../widgets/service.js';
import type { AgentContext } from './service.js';
import type { ContactDetails } from './contact-details.js';
import type { VisitDetails } from './visit-details.js';

// Declaration merging: plugins/io.ts declares these interfaces empty, so that shared infrastructure imports no domain.
// The compiler reads every file under src/, so nothing needs to import this one.
declare module '../plugins/io.js' {
  /** What the server keeps on a visitor socket after its handshake was checked. */
  interface VisitorSocketData {
    widget: Widget;
    contactId: string;
    sessionToken: string;
    /** What the handshake said about the visitor (user agent, language, time zone, page, referrer). */
    visit: VisitDetails;
    /** Who the site's page says the visitor is (the handshake's `identity`), as stored; undefined when it said nothing valid. */
    identity?: ContactDetails;
    /** What came of the handshake's identity token, when it had one (`session.identity`). */
    verification?: { verified: boolean; error?: ErrorBody };
  }

  /** What the server keeps on an agent socket after its token was checked. */
  interface AgentSocketData {
    agent: AgentContext;
    /** The role the membership had when last checked; a change disconnects the socket so it reconnects as it is now. */
    role: Role;
    /** When the agent's token expires (ms since the epoch): no event is served after it, and the socket is closed. */
    tokenExpiresAt: number;
  }
}
