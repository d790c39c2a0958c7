/**
 * Constants with no schema attached, so browser code can import them without pulling zod into its bundle.
 * @module
 */

/** Namespace of visitor (widget) sockets. */
export const VISITOR_NAMESPACE = '/visitor';
/** Namespace of agent (console) sockets. */
export const AGENT_NAMESPACE = '/agent';

/** The longest note an agent can leave with a transfer. */
export const TRANSFER_NOTE_MAX_LENGTH = 2000;

/** The most conversations an agent can be given at once, for capacities set in `/api/routing`. */
export const MAX_CAPACITY = 100;

/** The shortest password a new account may have (`POST /api/invitations/accept`). */
export const MIN_PASSWORD_LENGTH = 10;

/** The most quick replies one message carries (`Message.quickReplies`). */
export const QUICK_REPLIES_MAX = 6;
/** The longest quick reply, in characters (Unicode code points, as a message body is counted). */
export const QUICK_REPLY_MAX_LENGTH = 60;

/** Length limits of the widget's optional texts (`widgetSettingsSchema`): the launcher's label and the team's name. */
export const WIDGET_TEXT_LIMITS = { launcherLabel: 30, teamName: 80 } as const;

/** The launcher's offsets from the page's corner, in whole pixels (`widgetSettingsSchema`'s `offsetX`, `offsetY`). */
export const WIDGET_OFFSET_LIMITS = { min: 0, max: 200 } as const;

/** The largest file a visitor or an agent can attach, in bytes (10 MiB). */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** The most files one message carries. */
export const ATTACHMENTS_PER_MESSAGE = 5;

/**
 * The largest picture a person can upload as their avatar, in bytes (5 MiB, before base64): a phone's photo fits. The
 * server keeps a small square WebP made from it, a few kilobytes.
 */
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
