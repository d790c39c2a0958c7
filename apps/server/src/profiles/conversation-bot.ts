/**
 * Which bot answers a conversation: its team's profile, else the profile its widget's triage chose for it, else its
 * widget's profile, else the bot settings of the widget itself. Every turn asks here, so a change of profile (or of a
 * profile) applies from the next turn on.
 * @module
 */
import { botProfiles, teams, type BotProfileKnowledgeScope, type Database } from '@parley/db';
import { eq } from 'drizzle-orm';
import { botConfigSchema, type BotConfig } from '../widgets/bot-config.js';
import { profileSettingsSchema } from './settings.js';

/** The bot of a conversation, as a turn uses it. */
export interface ConversationBot {
  /** Its settings: the profile's, with the widget's on/off switch; or the widget's own. */
  config: BotConfig;
  /** The profile that answers, or null for the widget's own settings. */
  profile: { id: string; name: string } | null;
  /** Who chose the profile: the conversation's team, the widget's triage, the widget; null: no profile. */
  chosenBy: 'team' | 'triage' | 'widget' | null;
  /** The name visitors see; null: the widget's bot name. */
  botName: string | null;
  /** Which documents it answers from; null: the whole knowledge base. */
  knowledgeScope: BotProfileKnowledgeScope | null;
  /** The actions and MCP tools it may call, by name; null: every enabled one. */
  tools: readonly string[] | null;
  /** Policies stricter than the tools' own, by tool name (the stricter of the two applies). */
  toolPolicies: Readonly<Record<string, 'confirm' | 'approve'>>;
}

/** The widget's fields that choose the bot. */
export interface WidgetBotFields {
  bot: unknown;
  botProfileId: string | null;
}

/** The conversation's fields that choose the bot: its team, and the profile triage chose (null: none). */
export interface ConversationBotFields {
  teamId: string | null;
  botProfileId: string | null;
}

/** The bot of `conversation`, a conversation of `widget`. */
export async function conversationBot(
  db: Database,
  widget: WidgetBotFields,
  conversation: ConversationBotFields,
): Promise<ConversationBot> {
  const own = botConfigSchema.parse(widget.bot);
  const [team] = conversation.teamId
    ? await db.select({ profileId: teams.botProfileId }).from(teams).where(eq(teams.id, conversation.teamId))
    : [];
  const [profileId, chosenBy] = team?.profileId
    ? [team.profileId, 'team' as const]
    : conversation.botProfileId
      ? [conversation.botProfileId, 'triage' as const]
      : [widget.botProfileId, 'widget' as const];
  const [row] = profileId ? await db.select().from(botProfiles).where(eq(botProfiles.id, profileId)) : [];
  if (!row) return { config: own, profile: null, chosenBy: null, botName: null, knowledgeScope: null, tools: null, toolPolicies: {} };
  const { botName, ...settings } = profileSettingsSchema.parse(row.settings);
  return {
    config: { ...settings, enabled: own.enabled, triageProfileIds: own.triageProfileIds },
    profile: { id: row.id, name: row.name },
    chosenBy,
    botName,
    knowledgeScope: row.knowledgeScope,
    tools: row.tools,
    toolPolicies: row.toolPolicies,
  };
}
