import type { Widget } from '../widgets/service.js';
import type { AgentContext } from './service.js';

/** What the server keeps on a visitor socket after its handshake was checked. */
export interface VisitorSocketData {
  widget: Widget;
  contactId: string;
  sessionToken: string;
}

/** What the server keeps on an agent socket after its token was checked. */
export interface AgentSocketData {
  agent: AgentContext;
}
