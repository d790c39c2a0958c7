/**
 * The chat UI's words (`import * as text`). Accessible names are a contract: tests and assistive technology users rely
 * on them. Separate constants rather than one object: the bundler puts each where it is used, and the main chunk
 * carries no property names for them (about 100 bytes gzipped, within the widget's size budget).
 * @module
 */
export const open = 'Open chat';
export const close = 'Close chat';
export const composer = 'Message';
export const placeholder = 'Write a message…';
export const send = 'Send';
export const log = 'Messages';
export const you = 'You';
export const agent = 'Agent';
/** The protocol's default bot name, for a server that sends none. */
export const bot = 'Assistant';
export const typing = 'Agent is typing…';
export const botTyping = ' is typing…';
export const human = 'Talk to a person';
export const sources = 'Sources';
export const queued = 'Waiting for a person to join…';
export const alreadyHuman = "You're already talking to our team.";
export const humanFailed = "Couldn't reach a person";
export const sending = 'Sending…';
export const waiting = 'Not sent yet: waiting for the connection';
export const offline = "You're offline. Your messages will be sent when the connection is back.";
export const connectionFailed = "Couldn't connect to chat";
export const notSent = 'Message not sent';
