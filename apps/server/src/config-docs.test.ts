import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema } from './config.js';

// docs/configuration.md must list every variable the server reads, so the page stays true as settings are added.
describe('docs/configuration.md', () => {
  const page = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');

  it.each(Object.keys(envSchema.shape))('documents %s', (name) => {
    expect(page).toContain(`| \`${name}\` |`);
  });
});
