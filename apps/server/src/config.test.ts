import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults for a fresh machine', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: 'localhost',
      dataDir: '/srv/app/.parley',
      databaseUrl: undefined,
      messageMaxLength: 4000,
      allowLocalhostOrigins: true,
    });
  });

  it('reads embeddings settings all together, within what pgvector can index', () => {
    expect(loadConfig({}).embeddings).toBeNull();
    const env = {
      PARLEY_EMBEDDINGS_URL: 'http://localhost:11434/v1',
      PARLEY_EMBEDDINGS_MODEL: 'nomic-embed-text',
      PARLEY_EMBEDDINGS_DIMENSIONS: '768',
    };
    expect(loadConfig(env).embeddings).toEqual({
      url: 'http://localhost:11434/v1',
      model: 'nomic-embed-text',
      apiKey: undefined,
      dimensions: 768,
    });
    expect(() => loadConfig({ PARLEY_EMBEDDINGS_URL: env.PARLEY_EMBEDDINGS_URL })).toThrowError(
      /needs PARLEY_EMBEDDINGS_MODEL and PARLEY_EMBEDDINGS_DIMENSIONS/,
    );
    expect(() => loadConfig({ ...env, PARLEY_EMBEDDINGS_DIMENSIONS: '3072' })).toThrowError(/PARLEY_EMBEDDINGS_DIMENSIONS/);
    expect(() => loadConfig({ ...env, PARLEY_EMBEDDINGS_URL: 'ftp://x' })).toThrowError(/PARLEY_EMBEDDINGS_URL/);
  });

  it('reads an OpenAI-compatible endpoint with its model, never next to an Anthropic key', () => {
    expect(loadConfig({}).openaiCompatible).toBeNull();
    const env = { PARLEY_OPENAI_BASE_URL: 'http://localhost:11434/v1', PARLEY_BOT_MODEL: 'llama3.1' };
    expect(loadConfig(env)).toMatchObject({
      openaiCompatible: { baseUrl: 'http://localhost:11434/v1', apiKey: undefined, images: false },
      botModel: 'llama3.1',
    });
    // A vision model, on the operator's word.
    expect(loadConfig({ ...env, PARLEY_OPENAI_IMAGES: 'true' }).openaiCompatible?.images).toBe(true);
    expect(() => loadConfig({ ...env, PARLEY_OPENAI_IMAGES: 'yes please' })).toThrowError(/PARLEY_OPENAI_IMAGES/);
    expect(loadConfig({ ...env, PARLEY_OPENAI_API_KEY: 'sk-test' }).openaiCompatible?.apiKey).toBe('sk-test');
    expect(() => loadConfig({ PARLEY_OPENAI_BASE_URL: env.PARLEY_OPENAI_BASE_URL })).toThrowError(
      /PARLEY_BOT_MODEL: required with PARLEY_OPENAI_BASE_URL/,
    );
    expect(() => loadConfig({ ...env, ANTHROPIC_API_KEY: 'sk-ant-test' })).toThrowError(/either it .* or ANTHROPIC_API_KEY/);
    expect(() => loadConfig({ ...env, PARLEY_OPENAI_BASE_URL: 'file:///etc/passwd' })).toThrowError(/PARLEY_OPENAI_BASE_URL/);
  });

  it('reads the S3 settings of attachments all together, and never prints the secret key', () => {
    expect(loadConfig({}).attachments.s3).toBeNull();
    const env = {
      PARLEY_S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com',
      PARLEY_S3_BUCKET: 'acme-parley',
      PARLEY_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      PARLEY_S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    };
    const { s3 } = loadConfig(env).attachments;
    expect(s3).toMatchObject({ endpoint: env.PARLEY_S3_ENDPOINT, bucket: 'acme-parley', region: 'us-east-1', accessKeyId: 'AKIAEXAMPLE' });
    expect(s3!.secretAccessKey).toBe(env.PARLEY_S3_SECRET_ACCESS_KEY);
    expect(JSON.stringify(s3)).not.toContain('wJalr');
    expect(inspect(s3)).not.toContain('wJalr');
    expect(() => loadConfig({ ...env, PARLEY_S3_BUCKET: '' })).toThrow(/PARLEY_S3_BUCKET: required with the other PARLEY_S3_\* settings/);
    expect(() => loadConfig({ PARLEY_S3_ENDPOINT: 'ftp://files.example.com' })).toThrow(ConfigError);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });

  it('lists every invalid variable in one error', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PARLEY_SECRET: 'short' })).toThrowError(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PARLEY_SECRET: 'short' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/DATABASE_URL must be a postgres/);
      expect((error as Error).message).toMatch(/PARLEY_SECRET must be at least 32/);
    }
  });

  it('requires a secret in production and turns localhost origins off there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrowError(/PARLEY_SECRET: required/);
    const config = loadConfig({ NODE_ENV: 'production', PARLEY_SECRET: 'x'.repeat(32) });
    expect(config.allowLocalhostOrigins).toBe(false);
  });

  it('reads the outbound allowance, refusing entries it cannot read', () => {
    expect(loadConfig({}).outbound.allow).toEqual({ categories: [], ranges: [] });
    const { allow } = loadConfig({ PARLEY_OUTBOUND_ALLOW: 'loopback, 10.20.0.0/16' }).outbound;
    expect(allow.categories).toEqual(['loopback']);
    expect(allow.ranges.map(([network, prefix]) => `${network.toString()}/${prefix}`)).toEqual(['10.20.0.0/16']);
    expect(() => loadConfig({ PARLEY_OUTBOUND_ALLOW: 'loopback,intranet' })).toThrowError(/PARLEY_OUTBOUND_ALLOW must be .*"intranet"/);
  });
});
