import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, launchChromium, root, startParley, type StartedParley } from './parley.js';

// The whole product as a user meets it: `parley start` on a fresh data folder (embedded database, demo data),
// the demo shop with the widget in one page, the console in another, in Debian's Chromium.
const screenshots = join(root, '.artifacts/screenshots');

let parley: StartedParley;
let baseUrl: string;
let agentEmail: string;
let agentPassword: string;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  parley = await startParley();
  ({ baseUrl, agentEmail, agentPassword } = parley);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await parley?.stop();
});

async function signIn(page: Page) {
  await page.goto(`${baseUrl}/console/`);
  await page.getByRole('textbox', { name: 'Email' }).fill(agentEmail);
  await page.getByRole('textbox', { name: 'Password' }).fill(agentPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The inbox lists the most recent activity first. */
async function openNewestConversation(page: Page) {
  await page.locator('.conversation-list button').first().click();
}

describe('the demo shop and the console', () => {
  it('carries a visitor message to the agent and the reply back, and keeps the history after a reload', async () => {
    const shop = await browser.newPage();
    const pageErrors: string[] = [];
    shop.on('pageerror', (error) => pageErrors.push(error.message));
    await shop.goto(`${baseUrl}/`);
    await shop.getByRole('button', { name: 'Open chat' }).click();
    await shop.getByRole('textbox', { name: 'Message' }).fill('Hi! Does the Ridgeline tent fit two people?');
    await shop.getByRole('button', { name: 'Send' }).click();
    const visitorLog = shop.getByRole('log');
    await expect.poll(() => visitorLog.textContent()).toContain('Does the Ridgeline tent fit two people?');
    // The bot answers first: without an Anthropic key, the offline answerer, which offers a person for this question.
    await expect.poll(() => visitorLog.textContent(), { timeout: 10_000 }).toContain('talk to a person');
    // The offer of a person is a quick reply: a button in the log, accessible like the rest.
    expect(await accessibilityViolations(shop, '[data-parley-widget]')).toEqual([]);
    await shop.screenshot({ path: join(screenshots, '1-bot-answered.png') });

    const agentPage = await browser.newPage();
    await signIn(agentPage);
    await openNewestConversation(agentPage);
    await expect.poll(() => agentPage.getByRole('log').textContent()).toContain('Does the Ridgeline tent fit two people?');
    const reply = agentPage.getByRole('textbox', { name: 'Reply' });
    await reply.fill('Yes, two adults with room for packs.');
    await agentPage.getByRole('button', { name: 'Send' }).click();
    await agentPage.screenshot({ path: join(screenshots, '2-agent-replied.png') });

    await expect.poll(() => visitorLog.textContent(), { timeout: 10_000 }).toContain('Yes, two adults with room for packs.');
    expect(await accessibilityViolations(shop, '[data-parley-widget]')).toEqual([]);
    await shop.screenshot({ path: join(screenshots, '3-visitor-sees-reply.png') });

    await shop.reload();
    await shop.getByRole('button', { name: 'Open chat' }).click();
    const reloadedLog = shop.getByRole('log');
    await expect.poll(() => reloadedLog.textContent(), { timeout: 10_000 }).toContain('Does the Ridgeline tent fit two people?');
    await expect.poll(() => reloadedLog.textContent()).toContain('Yes, two adults with room for packs.');
    await shop.screenshot({ path: join(screenshots, '4-history-after-reload.png') });
    expect(pageErrors).toEqual([]);
  });

  it('shows markup in a message as text, never as HTML', async () => {
    const shop = await browser.newPage();
    await shop.goto(`${baseUrl}/`);
    await shop.getByRole('button', { name: 'Open chat' }).click();
    const payload = '<img src=x onerror="window.pwned=1"><b>bold?</b>';
    await shop.getByRole('textbox', { name: 'Message' }).fill(payload);
    await shop.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => shop.getByRole('log').textContent()).toContain(payload);
    await expect.poll(() => shop.getByRole('log').textContent(), { timeout: 10_000 }).toContain('talk to a person');

    const agentPage = await browser.newPage();
    await signIn(agentPage);
    await openNewestConversation(agentPage);
    await expect.poll(() => agentPage.getByRole('log').textContent()).toContain(payload);
    for (const page of [shop, agentPage]) {
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    }
  });

  it('hands the chat to a person: queued, the online agent assigned, who joined, a reply, resolved, and rated', async () => {
    const shop = await browser.newPage();
    await shop.goto(`${baseUrl}/`);
    await shop.getByRole('button', { name: 'Open chat' }).click();
    await shop.getByRole('textbox', { name: 'Message' }).fill('How long does shipping take?');
    await shop.getByRole('button', { name: 'Send' }).click();
    // The offline answerer finds this one in the demo shop's knowledge base (its FAQ document), and cites it under the reply.
    await expect
      .poll(() => shop.getByRole('log').textContent(), { timeout: 10_000 })
      .toContain('Standard delivery in the US then takes 3–5 business days');
    const source = shop.getByRole('log').getByRole('link', { name: 'Frequently asked questions › How long does shipping take?' });
    await expect.poll(() => source.getAttribute('href')).toBe('https://harborandpine.example/help/shipping');
    // Markdown and its cited sources as links.
    expect(await accessibilityViolations(shop, '[data-parley-widget]')).toEqual([]);
    await shop.screenshot({ path: join(screenshots, '5a-answer-with-sources.png') });
    // Robin's console is open, so Robin is online: routing gives Robin the chat as soon as the visitor asks for a person,
    // and the visitor is told each step in the transcript.
    const agentPage = await browser.newPage();
    await signIn(agentPage);
    await shop.getByRole('button', { name: 'Talk to a person' }).click();
    const widgetText = () => shop.locator('[data-parley-widget]').evaluate((host) => host.shadowRoot?.textContent ?? '');
    await expect.poll(widgetText).toContain('A person from our team was asked to join.');
    await expect.poll(widgetText, { timeout: 10_000 }).toContain('Robin (demo agent) joined the conversation.');
    expect(await accessibilityViolations(shop, '[data-parley-widget]')).toEqual([]);
    await shop.screenshot({ path: join(screenshots, '5-a-person-joined.png') });

    await openNewestConversation(agentPage);
    await expect.poll(() => agentPage.locator('main, body').first().textContent()).toContain('Robin (demo agent) joined the conversation.');
    await agentPage.getByRole('textbox', { name: 'Reply' }).fill('Hi, Robin here. What can I do?');
    await agentPage.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => shop.getByRole('log').textContent(), { timeout: 10_000 }).toContain('Robin here');
    expect(await widgetText()).toContain("You're number 1 in the queue.");
    await agentPage.screenshot({ path: join(screenshots, '6-agent-took-over.png') });

    // Robin resolves; the widget asks the visitor how it went (a chunk loaded only now), once.
    await agentPage.getByRole('button', { name: 'Resolve', exact: true }).click();
    await expect.poll(widgetText, { timeout: 10_000 }).toContain('The conversation was resolved.');
    const rating = shop.getByRole('form', { name: 'How was this conversation?' });
    await rating.getByRole('button', { name: '4 out of 5' }).click();
    expect(await accessibilityViolations(shop, '[data-parley-widget]')).toEqual([]);
    await shop.screenshot({ path: join(screenshots, '8-rating.png') });
    await rating.getByRole('textbox', { name: 'Anything to add? (optional)' }).fill('Quick and kind');
    await rating.getByRole('button', { name: 'Send rating' }).click();
    await expect.poll(widgetText, { timeout: 10_000 }).toContain('The conversation was rated 4 out of 5. “Quick and kind”');
    await expect.poll(() => rating.count()).toBe(0);
    // The agent sees the rating in the transcript.
    await expect.poll(() => agentPage.locator('main').first().textContent(), { timeout: 10_000 }).toContain('rated 4 out of 5');
  });

  it('lists the demo knowledge base in the console, and finds the passage for a question', async () => {
    const page = await browser.newPage();
    await signIn(page);
    await page.getByRole('button', { name: 'Knowledge base' }).click();
    await expect.poll(() => page.url()).toBe(`${baseUrl}/console/knowledge`);
    const table = page.getByRole('table');
    await expect.poll(() => table.textContent()).toContain('Shipping and delivery');
    await expect.poll(() => table.textContent()).toContain('product-care.csv');
    await page.getByRole('searchbox', { name: 'Try a question' }).fill('how do I wash my sleeping bag');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect
      .poll(() => page.getByRole('list', { name: 'Passages found' }).textContent())
      .toContain('Can I machine-wash my sleeping bag?');
    await page.screenshot({ path: join(screenshots, '7-console-knowledge-base.png') });
  });
});
