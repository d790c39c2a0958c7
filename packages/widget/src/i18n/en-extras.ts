/**
 * The English words of the forms in the extras chunk (rating, transcript, follow-up, topics): in that chunk, not the
 * main one, since only some visitors see the forms. Other languages carry theirs in their own chunk.
 * @module
 */
/** English words of the extras chunk's forms. */
export const enExtras = {
  rate: 'How was this conversation?',
  stars: 'Rating',
  star: (score: number) => `${score} out of 5`,
  comment: 'Anything to add? (optional)',
  sendRating: 'Send rating',
  rateFailed: "Couldn't send your rating. Try again.",
  transcript: 'E-mail me this conversation',
  transcriptEmail: 'Your e-mail address',
  emailPlaceholder: 'name@example.com',
  transcriptSent: (email: string) => `Sent to ${email}.`,
  contact: 'Leave your contact details',
  email: 'E-mail',
  phone: 'Phone (optional)',
  contactEmpty: 'Enter an e-mail address or a phone number.',
  /** The composer's button that attaches files, and what it says while they go. */
  attach: 'Attach files',
  uploading: 'Sending your files…',
  fileNotSent: 'Files not sent',
  tooManyFiles: (count: number) => `At most ${count} files at once.`,
  fileTooLarge: (name: string, megabytes: number) => `${name} is larger than ${megabytes} MB.`,
  /** Under a resolved conversation: closes it, so that the next message starts a new one. */
  newConversation: 'Start a new conversation',
  /** The visitor's earlier conversations: the link that opens them, and their list's title. */
  pastConversations: 'Earlier conversations',
  backToChat: 'Back to the chat',
  allConversations: 'All conversations',
  noMessages: 'No messages',
  loading: 'Loading…',
  loadFailed: "Couldn't load them",
  /** The close button of a proactive message's bubble. */
  dismiss: 'Dismiss message',
  topics: 'What can we help you with?',
  preChat: 'Before we start, tell us about you.',
  preChatName: 'Name',
  preChatEmail: 'E-mail',
  preChatPhone: 'Phone',
  preChatRequired: 'required',
  nameMissing: 'Enter your name.',
  emailMissing: 'Enter your e-mail address.',
  phoneMissing: 'Enter your phone number.',
  emailInvalid: 'That is not an e-mail address.',
  phoneInvalid: 'That is not a phone number.',
  preChatStart: 'Start chat',
  preChatDone: 'Thanks! Write your message below.',
};

/** The words of the extras chunk's forms. */
export type ExtrasCatalog = typeof enExtras;

/**
 * The words for the extras chunk's forms: the visitor's language's, whose chunk holds them, else English's (the main
 * chunk's English catalog has none).
 */
export function withExtras<Words extends object>(text: Words): Words & ExtrasCatalog {
  return { ...enExtras, ...text };
}
