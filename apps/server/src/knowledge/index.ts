/**
 * The knowledge-base domain: import, list, delete and search an organization's documents (REST), with semantic search
 * next to the lexical one when embeddings are configured. `app.knowledge` gives the bot the same search.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { knowledgeRoutes } from './routes.js';
import { semanticIndexFromConfig, type SemanticIndex } from './semantic-index.js';
import { moveWidgetFaqsToKnowledgeBase } from './widget-faq.js';

declare module 'fastify' {
  interface FastifyInstance {
    knowledge: {
      /** Semantic search, when embeddings are configured and the database has pgvector; null: lexical search alone. */
      semantic: SemanticIndex | null;
    };
  }
}

/** Registers the knowledge-base domain. */
export const knowledgePlugin = fp(
  async function registerKnowledge(app: FastifyInstance) {
    const semantic = await semanticIndexFromConfig(app.dbHandle, app.config.embeddings, app.log);
    app.decorate('knowledge', { semantic });
    await app.register(knowledgeRoutes, { semantic });
    app.addHook('onReady', async function moveWidgetFaqs() {
      // A widget FAQ that can't be moved now stays in its settings and is tried again at the next start.
      await moveWidgetFaqsToKnowledgeBase(app.db, app.log).catch((error: unknown) =>
        app.log.error({ err: error }, 'moving widget FAQs to the knowledge base failed'),
      );
    });
  },
  { name: 'parley-knowledge', fastify: '5.x', dependencies: ['parley-config', 'parley-db', 'parley-auth', 'parley-jobs'] },
);
