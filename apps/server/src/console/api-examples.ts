/**
 * Examples of the saved replies' bodies and answers, shown in the API reference (`config.example`); openapi.test.ts
 * checks each against its route's schema.
 * @module
 */
import type { SavedReply, SavedReplyCreate, SavedReplyList, SavedReplyUpdate } from '@parley/protocol';

/** A shared saved reply, with the variables the console fills in when an agent inserts it. */
export const savedReplyExample = {
  id: 'b2d8f6a4-9e1c-4b7d-a3f5-6c0e8d2b4a19',
  shortcut: 'return-label',
  title: 'Send a return label',
  body:
    'Hi {contact.name}, I have e-mailed a prepaid return label to {contact.email}. Print it, stick it on the box and drop ' +
    'it at any post office: your refund follows within 5 business days of the parcel reaching us.\n\n' +
    '{agent.name}, {organization.name}',
  scope: 'shared',
  createdAt: '2026-09-14T10:22:05.000Z',
  updatedAt: '2026-09-14T10:22:05.000Z',
} satisfies SavedReply;

/** Answer of `GET /api/saved-replies`: shared ones and the caller's own, by shortcut. */
export const savedReplyListExample = {
  savedReplies: [
    {
      id: 'd7a1c5e9-3f8b-4d2c-b6e4-0a9f7c3d5e82',
      shortcut: 'damage-photo',
      title: 'Ask for a photo of the damage',
      body: 'Could you send me a photo of the damaged part and your order number? Then I can start the warranty claim right away.',
      scope: 'personal',
      createdAt: '2026-10-21T15:47:33.000Z',
      updatedAt: '2026-10-21T15:47:33.000Z',
    },
    savedReplyExample,
  ],
} satisfies SavedReplyList;

/** Body of `POST /api/saved-replies` (a shared one: admins only), which answers with {@link savedReplyExample}. */
export const savedReplyCreateExample = {
  shortcut: savedReplyExample.shortcut,
  title: savedReplyExample.title,
  body: savedReplyExample.body,
  scope: savedReplyExample.scope,
} satisfies SavedReplyCreate;

/** Body of `PATCH /api/saved-replies/:savedReplyId`: a new title. */
export const savedReplyUpdateExample = { title: 'Send a prepaid return label' } satisfies SavedReplyUpdate;

/** Answer of `PATCH /api/saved-replies/:savedReplyId`. */
export const savedReplyUpdatedExample = {
  ...savedReplyExample,
  ...savedReplyUpdateExample,
  updatedAt: '2026-11-02T14:03:11.000Z',
} satisfies SavedReply;
