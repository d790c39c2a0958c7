/**
 * Constants with no schema attached, so browser code can import them without pulling zod into its bundle.
 * @module
 */

/** Namespace of visitor (widget) sockets. */
export const VISITOR_NAMESPACE = '/visitor';
/** Namespace of agent (console) sockets. */
export const AGENT_NAMESPACE = '/agent';
