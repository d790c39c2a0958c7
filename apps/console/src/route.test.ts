import { describe, expect, it } from 'vitest';
import {
  botProfilesPath,
  isAtPath,
  conversationIdFromPath,
  invitationTokenFromHash,
  invitePath,
  isInvitePath,
  knowledgePath,
  pathForConversation,
  peoplePath,
  savedRepliesPath,
  webhooksPath,
  widgetSettingsPath,
} from './route.js';

describe('conversation URLs', () => {
  it('round-trips a conversation id under the base path', () => {
    const path = pathForConversation('5f0c2a9e-0a4b', '/console/');
    expect(path).toBe('/console/conversations/5f0c2a9e-0a4b');
    expect(conversationIdFromPath(path, '/console/')).toBe('5f0c2a9e-0a4b');
  });

  it('reads the inbox and foreign paths as no conversation', () => {
    expect(conversationIdFromPath('/console/', '/console/')).toBeNull();
    expect(conversationIdFromPath('/elsewhere/conversations/x', '/console/')).toBeNull();
    expect(conversationIdFromPath('/console/conversations/%E0%A4%A', '/console/')).toBeNull();
  });
});

describe('knowledge base URL', () => {
  it('is <base>knowledge, with or without a trailing slash, and is no conversation', () => {
    expect(knowledgePath('/console/')).toBe('/console/knowledge');
    expect(isAtPath('/console/knowledge', knowledgePath('/console/'))).toBe(true);
    expect(isAtPath('/console/knowledge/', knowledgePath('/console/'))).toBe(true);
    expect(isAtPath('/console/', knowledgePath('/console/'))).toBe(false);
    expect(conversationIdFromPath('/console/knowledge', '/console/')).toBeNull();
  });
});

describe('saved replies URL', () => {
  it('is <base>saved-replies, with or without a trailing slash, and is no conversation', () => {
    expect(savedRepliesPath('/console/')).toBe('/console/saved-replies');
    expect(isAtPath('/console/saved-replies', savedRepliesPath('/console/'))).toBe(true);
    expect(isAtPath('/console/saved-replies/', savedRepliesPath('/console/'))).toBe(true);
    expect(isAtPath('/console/knowledge', savedRepliesPath('/console/'))).toBe(false);
    expect(conversationIdFromPath('/console/saved-replies', '/console/')).toBeNull();
  });
});

describe('widget settings URL', () => {
  it('is <base>settings/widgets, with or without a trailing slash, and is no conversation', () => {
    expect(widgetSettingsPath('/console/')).toBe('/console/settings/widgets');
    expect(isAtPath('/console/settings/widgets', widgetSettingsPath('/console/'))).toBe(true);
    expect(isAtPath('/console/settings/widgets/', widgetSettingsPath('/console/'))).toBe(true);
    expect(isAtPath('/console/settings', widgetSettingsPath('/console/'))).toBe(false);
    expect(conversationIdFromPath('/console/settings/widgets', '/console/')).toBeNull();
  });
});

describe('people settings URL', () => {
  it('is <base>settings/people, with or without a trailing slash, and is no conversation', () => {
    expect(peoplePath('/console/')).toBe('/console/settings/people');
    expect(isAtPath('/console/settings/people', peoplePath('/console/'))).toBe(true);
    expect(isAtPath('/console/settings/people/', peoplePath('/console/'))).toBe(true);
    expect(isAtPath('/console/settings/widgets', peoplePath('/console/'))).toBe(false);
    expect(conversationIdFromPath('/console/settings/people', '/console/')).toBeNull();
  });
});

describe('webhooks settings URL', () => {
  it('is <base>settings/webhooks, with or without a trailing slash, and is no conversation', () => {
    expect(webhooksPath('/console/')).toBe('/console/settings/webhooks');
    expect(isAtPath('/console/settings/webhooks', webhooksPath('/console/'))).toBe(true);
    expect(isAtPath('/console/settings/webhooks/', webhooksPath('/console/'))).toBe(true);
    expect(isAtPath('/console/settings/people', webhooksPath('/console/'))).toBe(false);
    expect(conversationIdFromPath('/console/settings/webhooks', '/console/')).toBeNull();
  });
});

describe('bot profiles settings URL', () => {
  it('is <base>settings/bot-profiles, with or without a trailing slash, and is no conversation', () => {
    expect(botProfilesPath('/console/')).toBe('/console/settings/bot-profiles');
    expect(isAtPath('/console/settings/bot-profiles', botProfilesPath('/console/'))).toBe(true);
    expect(isAtPath('/console/settings/bot-profiles/', botProfilesPath('/console/'))).toBe(true);
    expect(isAtPath('/console/settings/webhooks', botProfilesPath('/console/'))).toBe(false);
    expect(conversationIdFromPath('/console/settings/bot-profiles', '/console/')).toBeNull();
  });
});

describe('invitation link', () => {
  it('is <base>invite with the token in the hash', () => {
    expect(invitePath('/console/')).toBe('/console/invite');
    expect(isInvitePath('/console/invite', '/console/')).toBe(true);
    expect(isInvitePath('/console/invite/', '/console/')).toBe(true);
    expect(isInvitePath('/console/invitations', '/console/')).toBe(false);
    expect(isInvitePath('/invite', '/console/')).toBe(false);
  });

  it('reads the token from the hash, and no token from an empty one', () => {
    expect(invitationTokenFromHash('#abc_DEF-123')).toBe('abc_DEF-123');
    expect(invitationTokenFromHash('#a%2Bb')).toBe('a+b');
    expect(invitationTokenFromHash('#')).toBeNull();
    expect(invitationTokenFromHash('')).toBeNull();
  });
});
