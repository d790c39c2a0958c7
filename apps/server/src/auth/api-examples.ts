/**
 * Examples for the API reference (`/api/openapi.json`) of sign-in, `/api/me`, invitations and API tokens: Sam Rivera,
 * an admin of Acme Outdoor, signs in, invites Jordan Lee, and makes a token for an integration. openapi.test.ts checks
 * each against its route's schema.
 * @module
 */
import type {
  Agent,
  AgentPreferences,
  AgentPreferencesUpdate,
  ApiToken,
  ApiTokenCreate,
  ApiTokenCreated,
  ApiTokenList,
  Invitation,
  InvitationAccept,
  InvitationCreate,
  InvitationPreview,
  InvitationSent,
  invitationLookupSchema,
  LoginRequest,
  LoginResponse,
  Me,
} from '@parley/protocol';
import type { z } from 'zod';

const organizationId = '3f12c670-fd3e-4792-824e-d7ff89190049';
const ordersTeamId = 'a8cecee5-5da8-40f9-946b-4390b89ddedb';

/** Sam Rivera, an admin of Acme Outdoor, as signed in. */
export const agentExample = {
  id: 'f196d57d-fa09-4f8b-867d-ba3933be3751',
  email: 'sam.rivera@acme-outdoor.example',
  name: 'Sam Rivera',
  role: 'admin',
  organizationId,
  organizationName: 'Acme Outdoor',
} satisfies Agent;

/** Body of `POST /api/auth/login`. */
export const loginRequestExample = { email: agentExample.email, password: 'correct-horse-battery-staple' } satisfies LoginRequest;

/** Answer of `POST /api/auth/login`: a session token for the REST API and the agent socket, good for 12 hours. */
export const loginResponseExample = {
  token:
    'eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJhZ2VudCIsIm9yZyI6IjNmMTJjNjcwLWZkM2UtNDc5Mi04MjRlLWQ3ZmY4OTE5MDA0OSIsInJvbGUiOiJhZG1pbiIsInN1YiI6ImYxOTZkNTdkLWZhMDktNGY4Yi04NjdkLWJhMzkzM2JlMzc1MSIsImlzcyI6InBhcmxleSIsImlhdCI6MTc5NTk0MTAwMCwiZXhwIjoxNzk1OTg0MjAwfQ.unJQ096b2LtvJhtGlPYSFHVqHvsSfEHJqeciRvwFL8k',
  expiresAt: '2026-11-29T20:30:00.000Z',
  agent: agentExample,
} satisfies LoginResponse;

/** The agent's alert preferences, as `GET /api/me/preferences` answers them. */
export const preferencesExample = { sound: true, desktopNotifications: false } satisfies AgentPreferences;

/** Body of `PATCH /api/me/preferences`: turn desktop notifications on. */
export const preferencesUpdateExample = { desktopNotifications: true } satisfies AgentPreferencesUpdate;

/** Answer of `PATCH /api/me/preferences`: the preferences after the change. */
export const preferencesUpdatedExample = { ...preferencesExample, ...preferencesUpdateExample } satisfies AgentPreferences;

/** Answer of `GET /api/me`. */
export const meExample = { agent: agentExample, email: true, preferences: preferencesExample } satisfies Me;

/** An invitation's link secret, as the invitation link's fragment carries it. */
const invitationToken = 'yyls6xFu4IcwNgAd7YkMtNCcA6XusTSR1pOE5t3y-_g';

/** Jordan Lee, invited by Sam as an agent of the Orders team. */
export const invitationExample = {
  id: '064e1964-d1d0-4627-bb19-268b636e31c7',
  email: 'jordan.lee@acme-outdoor.example',
  role: 'agent',
  teamIds: [ordersTeamId],
  invitedBy: agentExample.id,
  createdAt: '2026-11-02T14:03:11.000Z',
  expiresAt: '2026-11-09T14:03:11.000Z',
  expired: false,
} satisfies Invitation;

/** Body of `POST /api/invitations`. */
export const invitationCreateExample = {
  email: invitationExample.email,
  role: invitationExample.role,
  teamIds: invitationExample.teamIds,
} satisfies InvitationCreate;

/** Answer of `POST /api/invitations` and of a resend: the invitation and its link, shown this once. */
export const invitationSentExample = {
  invitation: invitationExample,
  link: `https://support.acme-outdoor.example/console/invite#${invitationToken}`,
  emailed: true,
} satisfies InvitationSent;

/** Answer of `POST /api/invitations/:invitationId/resend`: the expired invitation, with a new link and a new week. */
export const invitationResentExample = {
  invitation: { ...invitationExample, expiresAt: '2026-11-17T09:30:00.000Z' },
  link: 'https://support.acme-outdoor.example/console/invite#Du6kVoYOfDpQM89wEw4Zqvob9suonNDbAqYt_aEQ9sI',
  emailed: true,
} satisfies InvitationSent;

/** Body of `POST /api/invitations/lookup`: the secret from the link's fragment. */
export const invitationLookupExample = { token: invitationToken } satisfies z.input<typeof invitationLookupSchema>;

/** Answer of `POST /api/invitations/lookup`. */
export const invitationPreviewExample = {
  email: invitationExample.email,
  organizationName: agentExample.organizationName,
  role: invitationExample.role,
  expiresAt: invitationExample.expiresAt,
  accountExists: false,
} satisfies InvitationPreview;

/** Body of `POST /api/invitations/accept`: a new account's name and password. */
export const invitationAcceptExample = {
  token: invitationToken,
  name: 'Jordan Lee',
  password: 'granite-trail-lantern-42',
} satisfies InvitationAccept;

/** Answer of `POST /api/invitations/accept`: Jordan, signed in to Acme Outdoor. */
export const invitationAcceptedExample = {
  token:
    'eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJhZ2VudCIsIm9yZyI6IjNmMTJjNjcwLWZkM2UtNDc5Mi04MjRlLWQ3ZmY4OTE5MDA0OSIsInJvbGUiOiJhZ2VudCIsInN1YiI6ImZiMGEyMWE4LTMzNTAtNDhjNC05ZmJiLWQ2NDkwM2RhMzBjNCIsImlzcyI6InBhcmxleSIsImlhdCI6MTc5MzY5NzE2MCwiZXhwIjoxNzkzNzQwMzYwfQ.nxxSfB3uqsCugoGTEdWCexxz9OY5fnZJ0vyn-He5EYc',
  expiresAt: '2026-11-03T21:12:40.000Z',
  agent: {
    ...agentExample,
    id: 'fb0a21a8-3350-48c4-9fbb-d64903da30c4',
    email: invitationExample.email,
    name: invitationAcceptExample.name,
    role: invitationExample.role,
  },
} satisfies LoginResponse;

/** Body of `POST /api/tokens`: a token for an integration that reads conversations and contacts, for 90 days. */
export const apiTokenCreateExample = {
  name: 'Zapier: new conversations to Slack',
  scopes: ['conversations:read', 'contacts:read'],
  expiresInDays: 90,
} satisfies ApiTokenCreate;

/** The token made with {@link apiTokenCreateExample}, as listed (never its secret). */
export const apiTokenExample = {
  id: '0cd0b17e-dac4-439d-8872-cdb1a327a712',
  name: apiTokenCreateExample.name,
  hint: 'parley_t4EN…',
  scopes: apiTokenCreateExample.scopes,
  expiresAt: '2027-01-31T14:03:11.000Z',
  lastUsedAt: '2026-11-28T08:41:00.000Z',
  createdBy: { id: agentExample.id, name: agentExample.name },
  createdAt: '2026-11-02T14:03:11.000Z',
} satisfies ApiToken;

/** Answer of `POST /api/tokens`: the new token and its secret, shown this once. */
export const apiTokenCreatedExample = {
  token: { ...apiTokenExample, lastUsedAt: null },
  secret: 'parley_t4ENc_wc1IK9Y1JGiEj89rnN8TO90VtezamWsFXVIk8',
} satisfies ApiTokenCreated;

/** Answer of `GET /api/tokens`. */
export const apiTokenListExample = { tokens: [apiTokenExample] } satisfies ApiTokenList;
