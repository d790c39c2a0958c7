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
  | 'topic'
  | 'on'
  | 'send'
  | 'setTyping'
  | 'requestHuman'
  | 'chooseTopic'
  | 'answerProactive'
  | 'rate'
  | 'saveContact'
  | 'submitContact'
  | 'markSeen'
  | 'requestTranscript'
  | 'startConversation'
  | 'listConversations'
  | 'readConversation'
  | 'upload'
  | 'attachmentUrl'
  | 'connect'
  | 'setLocale'
>;
