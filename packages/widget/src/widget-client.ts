/**
 * What the UI needs from a client.
 * @module
 */
import type { ParleyClient } from '@parley/client';

/**
 * The part of {@link ParleyClient} the widget's UI uses. `@parley/client`'s `createClient` returns one; tests pass a
 * small in-memory implementation.
 */
export type WidgetClient = Pick<
  ParleyClient,
  | 'status'
  | 'error'
  | 'session'
  | 'messages'
  | 'pending'
  | 'drafts'
  | 'queue'
  | 'on'
  | 'send'
  | 'setTyping'
  | 'requestHuman'
  | 'rate'
  | 'saveContact'
  | 'markSeen'
  | 'requestTranscript'
  | 'connect'
>;
