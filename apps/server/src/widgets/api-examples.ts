/**
 * Examples for the API reference (`/api/openapi.json`) of `/api/widgets`: the widget on Acme Outdoor's shop, as its
 * visitors' pages and its admins see it. openapi.test.ts checks each against its route's schema.
 * @module
 */
import type { WidgetAdmin, WidgetAdminList, WidgetAdminUpdate, WidgetPublicSettings } from '@parley/protocol';

/** How the widget looks and greets: the settings any visitor's page may read, without the agents shown. */
const widgetLooksExample = {
  title: 'Chat with Acme Outdoor',
  greeting: 'Hi! Questions about an order, sizing or returns? We usually answer within a few minutes.',
  accentColor: '#1f6f4a',
  position: 'right',
  theme: 'auto',
  launcherLabel: 'Need help?',
  offsetX: 24,
  offsetY: 24,
  teamName: 'Acme Outdoor support',
  sound: true,
  locale: 'en-US',
  botName: 'Trail Guide',
  preChat: { name: 'required', email: 'optional', phone: 'off' },
  proactive: [
    {
      id: 'sizing-help',
      message: 'Not sure which size fits? Tell us your height and we will help you pick.',
      trigger: 'auto',
      urlPattern: '/products/*',
      delaySeconds: 30,
      minVisits: 1,
      repeatAfterDays: 14,
    },
  ],
} satisfies Omit<WidgetPublicSettings, 'agents'>;

/** Answer of `GET /api/widgets/:publicKey/settings`, with `showAgents` on. */
export const widgetPublicSettingsExample = {
  ...widgetLooksExample,
  agents: [{ name: 'Sam' }, { name: 'Priya' }],
} satisfies WidgetPublicSettings;

/** The widget as an admin sees it. */
export const widgetAdminExample = {
  id: '7c3e540a-5a49-4668-b6f2-f996b3b6ce32',
  name: 'Acme Outdoor shop',
  publicKey: 'pk_Tq8vZ3mKx2LwR7nA5bYc1g',
  allowedOrigins: ['https://acme-outdoor.example', 'https://www.acme-outdoor.example'],
  settings: { ...widgetLooksExample, showAgents: true, defaultCountry: 'US' },
  bot: {
    enabled: true,
    handoff: { afterRepliesWithoutSource: 2, afterNotHelpful: 2, onProviderFailure: true },
    turnTaking: { pauseMs: 1500, maxWaitMs: 8000 },
    persona: 'You are Trail Guide, the assistant of Acme Outdoor, a shop for camping and hiking gear.',
    tone: 'Friendly and brief; plain words, no jargon.',
    businessFacts:
      'Orders over $75 ship free within the US. Returns are free within 60 days, unused and with the receipt. ' +
      'The warehouse ships on weekdays; orders placed before 1 pm Mountain Time leave the same day.',
    profileId: null,
    triageProfileIds: [],
  },
  routing: {
    strategy: 'least_loaded',
    teamId: 'a8cecee5-5da8-40f9-946b-4390b89ddedb',
    reopen: 'last_agent',
    hours: {
      timeZone: 'America/Denver',
      weekly: {
        monday: [{ open: '08:00', close: '18:00' }],
        tuesday: [{ open: '08:00', close: '18:00' }],
        wednesday: [{ open: '08:00', close: '18:00' }],
        thursday: [{ open: '08:00', close: '18:00' }],
        friday: [{ open: '08:00', close: '17:00' }],
        saturday: [{ open: '10:00', close: '14:00' }],
      },
      holidays: ['2026-11-26', '2026-12-25', '2027-01-01'],
    },
    topics: [
      { id: 'orders', label: 'Orders & shipping', teamId: null },
      { id: 'returns', label: 'Returns & exchanges', teamId: 'e58def35-c4f3-4c37-ad93-a5e28676fbf2' },
    ],
  },
} satisfies WidgetAdmin;

/** Answer of `GET /api/widgets`. */
export const widgetAdminListExample = { widgets: [widgetAdminExample] } satisfies WidgetAdminList;

/** Body of `PATCH /api/widgets/:widgetId`: ask for the visitor's e-mail, and hand off after the first unhelpful answer. */
export const widgetAdminUpdateExample = {
  settings: { preChat: { email: 'required' } },
  bot: { handoff: { afterNotHelpful: 1 } },
} satisfies WidgetAdminUpdate;

/** Answer of `PATCH /api/widgets/:widgetId`: the widget after {@link widgetAdminUpdateExample}. */
export const widgetAdminUpdatedExample = {
  ...widgetAdminExample,
  settings: { ...widgetAdminExample.settings, preChat: { ...widgetAdminExample.settings.preChat, email: 'required' } },
  bot: { ...widgetAdminExample.bot, handoff: { ...widgetAdminExample.bot.handoff, afterNotHelpful: 1 } },
} satisfies WidgetAdmin;
