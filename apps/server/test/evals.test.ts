import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conversations, mcpServers } from '@parley/db';
import { evalReportSchema, evalRunListSchema, evalRunSchema, type Ack, type Message, type MessageSent } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { collectScenarioFiles, runEvalCommand, type EvalCommandOptions } from '../src/evals/command.js';
import { runEval } from '../src/evals/run-eval.js';
import { storeEvalRun } from '../src/evals/runs.js';
import { copiedSandbox, demoSandbox } from '../src/evals/sandbox.js';
import { loadScenarios, type Scenario } from '../src/evals/scenario.js';
import { mockAnthropic } from './helpers/anthropic.js';
import { connectDemoVisitor, freePort, runCli, started } from './helpers/cli-process.js';
import { apiRequest, createTenantWithAdmin, jsonOf, nextEvent, request, useTestServer } from './helpers/server.js';

// `parley eval`: scenarios run against the real server code in a sandbox database. The command as a user runs it (the
// built CLI, on the demo suite), the recording and replay of Claude's streams (Claude mocked with msw), a copy of an
// organization's setup, and the demo's order action answering a visitor of `parley start`.

const demoEvals = fileURLToPath(new URL('../demo-evals', import.meta.url));
const secret = 'eval-test-secret-that-is-at-least-32-characters';
const folders: string[] = [];
function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'parley-eval-test-'));
  folders.push(folder);
  return folder;
}
async function loadScenariosFrom(yaml: string): Promise<Scenario[]> {
  const file = join(tempFolder(), 'scenario.yaml');
  writeFileSync(file, yaml);
  return loadScenarios([file]);
}

/** `parley eval` of `scenarios` on a fresh demo sandbox, configured from `env` as the command would be. */
async function evalOnDemo(env: Record<string, string>, scenarios: readonly Scenario[], options: EvalCommandOptions) {
  const sandbox = await demoSandbox(secret);
  try {
    return await runEvalCommand({ config: loadConfig(env), env, secret, sandbox, scenarios, options, print: () => {} });
  } finally {
    await sandbox.handle.close();
  }
}

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('parley eval (the command)', () => {
  it('passes the demo suite with the offline answerer and writes the report as JSON and JUnit', async () => {
    const folder = tempFolder();
    const run = runCli(['eval', demoEvals, '--demo', '--json', join(folder, 'report.json'), '--junit', join(folder, 'junit.xml')], {
      PARLEY_DATA_DIR: folder,
    });
    expect(await run.exited, run.output.stdout + run.output.stderr).toBe(0);
    const report = evalReportSchema.parse(JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')));
    expect(report.model).toBe('offline');
    expect(report.passed).toBe(true);
    expect(report.scenarios.map((scenario) => scenario.name)).toContain('Where is my order');
    const order = report.scenarios.find((scenario) => scenario.name === 'Where is my order')!.runs[0]!.transcript;
    expect(order.toolCalls).toEqual([
      expect.objectContaining({ tool: 'lookup_order', input: { order_number: '1001' }, policy: 'auto', error: null }),
    ]);
    const refund = report.scenarios.find((scenario) => scenario.name.startsWith('A refund waits'))!.runs[0]!.transcript;
    expect(refund.toolCalls[0]).toMatchObject({ tool: 'refund_order', policy: 'approve', input: { order_number: '1001', amount: 20 } });
    const junit = readFileSync(join(folder, 'junit.xml'), 'utf8');
    expect(junit).toContain(`<testsuites name="parley eval" tests="${report.scenarios.length}" failures="0"`);
    expect(run.output.stdout).toContain(`${report.scenarios.length}/${report.scenarios.length} scenarios pass^1 · model offline`);
  });

  it('exits 1 on a scenario that fails, saying which expectation and why, in the terminal and the JUnit file', async () => {
    const folder = tempFolder();
    writeFileSync(
      join(folder, 'broken.yaml'),
      [
        '- name: Promises free pizza',
        '  messages: [How many days do I have to return an item?]',
        '  expect:',
        '    contains: [free pizza]',
        '    calls: [{ tool: refund_order }]',
      ].join('\n'),
    );
    const run = runCli(['eval', join(folder, 'broken.yaml'), '--demo', '--runs', '2', '--junit', join(folder, 'junit.xml')], {
      PARLEY_DATA_DIR: folder,
    });
    expect(await run.exited).toBe(1);
    expect(run.output.stdout).toContain('FAIL  Promises free pizza  (0/2 runs)');
    expect(run.output.stdout).toContain('run 2: Expected the bot to say "free pizza"; it did not.');
    expect(run.output.stdout).toContain('Expected a call of refund_order; no tool was called.');
    const junit = readFileSync(join(folder, 'junit.xml'), 'utf8');
    expect(junit).toContain('failures="1"');
    expect(junit).toContain('<failure message="2 of 2 runs failed">');
  });

  it('refuses a scenario file that does not parse, naming the file and the field, before it runs anything', async () => {
    const folder = tempFolder();
    writeFileSync(join(folder, 'typo.yaml'), 'name: Typo\nmessages: [hi]\nexpect:\n  handof: true\n');
    const run = runCli(['eval', join(folder, 'typo.yaml'), '--demo'], { PARLEY_DATA_DIR: folder });
    expect(await run.exited).toBe(1);
    expect(run.output.stderr).toContain('typo.yaml');
    expect(run.output.stderr).toContain('handof');
    expect(run.output.stdout).not.toContain('Running');
  });
});

describe('parley eval with Claude (recorded, then replayed offline)', () => {
  it('records the streams with a key and replays them without one, through the same turn code', async () => {
    const [scenario] = (await loadScenarios([join(demoEvals, 'orders.yaml')])).filter(
      (candidate) => candidate.name === 'Where is my order',
    );
    const recordings = tempFolder();
    const anthropic = mockAnthropic();
    anthropic.listen();
    const withKey = { ANTHROPIC_API_KEY: 'sk-ant-test', PARLEY_BOT_MAX_RETRIES: '0', PARLEY_DATA_DIR: tempFolder() };
    try {
      anthropic.reply(
        { text: ['Let me look that up.'], toolUse: { id: 'toolu_eval1', name: 'lookup_order', input: { order_number: '1001' } } },
        { text: ['Order 1001 has ', 'shipped with UPS; it should arrive by December 2.'] },
      );
      const recorded = await evalOnDemo(withKey, [scenario!], { runs: 1, profile: null, record: recordings });
      expect(recorded.model).toBe('claude');
      expect(recorded.scenarios[0]!.runs[0]!.failures).toEqual([]);
      // Claude was offered the demo's actions and read the mocked tool's answer, never the shop's endpoint.
      expect((anthropic.requests[0]!.tools as Array<{ name: string }>).map((tool) => tool.name)).toContain('lookup_order');
      expect(JSON.stringify(anthropic.requests[1]!.messages)).toContain('2026-12-02');
    } finally {
      anthropic.close();
    }
    expect(anthropic.requests).toHaveLength(2);

    // No key, no mock: the recording alone.
    const offline = { PARLEY_DATA_DIR: tempFolder() };
    const replay = (scenarios: Scenario[]) => evalOnDemo(offline, scenarios, { runs: 2, profile: null, replay: recordings });
    const replayed = await replay([{ ...scenario!, expect: { ...scenario!.expect, rubric: ['The bot gives the delivery date.'] } }]);
    expect(replayed.model).toBe('replay');
    expect(replayed.passed).toBe(true);
    expect(replayed.scenarios[0]!.runs).toHaveLength(2);
    const transcript = replayed.scenarios[0]!.runs[1]!.transcript;
    expect(transcript.messages.at(-1)).toMatchObject({
      author: 'bot',
      text: 'Let me look that up.Order 1001 has shipped with UPS; it should arrive by December 2.',
    });
    expect(replayed.scenarios[0]!.runs[0]!.rubric).toEqual([
      { criterion: 'The bot gives the delivery date.', passed: null, reason: 'Not judged: no model key (ANTHROPIC_API_KEY).' },
    ]);

    // A scenario that now asks more of the bot than was recorded fails, and says what to do.
    const longer = await replay([{ ...scenario!, messages: ['Where is my order 1001?', 'And when does it arrive?'] }]);
    expect(longer.passed).toBe(false);
    expect(longer.scenarios[0]!.runs[0]!.failures.join('\n')).toMatch(/has 2 model call\(s\) and the bot asked for more: record it again/);
  });
});

/** A scripted Claude reply that calls `name`. */
const toolUse = (name: string, input: unknown) => ({ toolUse: { id: `toolu_${randomUUID().slice(0, 8)}`, name, input } });

describe('the demo suite, recorded with Claude and replayed offline', () => {
  it('passes every scenario of the demo suite from its recordings, without a key or a network', async () => {
    const scenarios = await loadScenarios(await collectScenarioFiles([demoEvals]));
    // What Claude answers in each scenario, in the suite's order (help-center.yaml, then orders.yaml). The person asked
    // for is a rule: no model call.
    const script: Record<string, Parameters<ReturnType<typeof mockAnthropic>['reply']>> = {
      'Returns window': [{ text: ['You can return unused items within 30 days of delivery [1].'] }],
      'Shipping to Canada': [{ text: ['Yes, we ship to Canada [1].'] }],
      'An off-topic question gets no made-up answer': [{ text: ['I can only help with Harbor & Pine orders and gear.'] }],
      'Asking for a person hands off': [],
      'Where is my order': [toolUse('lookup_order', { order_number: '1001' }), { text: ['Order 1001 has shipped with UPS.'] }],
      "An order that doesn't exist": [toolUse('lookup_order', { order_number: '4242' }), { text: ['I could not find order 4242.'] }],
      "A refund waits for an agent's approval, then runs": [
        toolUse('refund_order', { order_number: '1001', amount: 20 }),
        { text: ['Your refund is done: RF-1001-2000.'] },
      ],
      'A rejected refund is not made': [
        toolUse('refund_order', { order_number: '1001', amount: 20 }),
        { text: ['Sorry, the refund was not approved.'] },
      ],
    };
    expect(Object.keys(script).toSorted()).toEqual(scenarios.map((scenario) => scenario.name).toSorted());
    const recordings = tempFolder();
    const anthropic = mockAnthropic();
    anthropic.listen();
    const withKey = { ANTHROPIC_API_KEY: 'sk-ant-test', PARLEY_BOT_MAX_RETRIES: '0', PARLEY_DATA_DIR: tempFolder() };
    try {
      for (const scenario of scenarios) anthropic.reply(...script[scenario.name]!);
      const recorded = await evalOnDemo(withKey, scenarios, { runs: 1, profile: null, record: recordings });
      expect(
        recorded.scenarios.filter((scenario) => !scenario.passed).map((scenario) => [scenario.name, scenario.runs[0]!.failures]),
      ).toEqual([]);
      expect(anthropic.queue).toEqual([]);
    } finally {
      anthropic.close();
    }

    const replayed = await evalOnDemo({ PARLEY_DATA_DIR: tempFolder() }, scenarios, { runs: 2, profile: null, replay: recordings });
    expect(replayed.model).toBe('replay');
    expect(replayed.scenarios.filter((scenario) => !scenario.passed).map((scenario) => scenario.name)).toEqual([]);
    expect(replayed.scenarios).toHaveLength(8);
  });
});

describe('parley eval: personas and rubrics', () => {
  it('lets the model play the visitor and judge the rubric, each with one forced tool call', async () => {
    const anthropic = mockAnthropic();
    anthropic.listen();
    const env = { ANTHROPIC_API_KEY: 'sk-ant-test', PARLEY_BOT_MAX_RETRIES: '0', PARLEY_DATA_DIR: tempFolder() };
    try {
      anthropic.reply(
        // The persona's first message.
        { toolUse: { id: 'toolu_p1', name: 'next_message', input: { message: 'hey where is order 1001', done: false } } },
        // The bot: the lookup, then the answer.
        { toolUse: { id: 'toolu_b1', name: 'lookup_order', input: { order_number: '1001' } } },
        { text: ['It shipped with UPS.'] },
        // The persona is done; then the judge's verdict.
        { toolUse: { id: 'toolu_p2', name: 'next_message', input: { done: true } } },
        { toolUse: { id: 'toolu_j1', name: 'verdict', input: { passed: false, reason: 'No delivery date is given.' } } },
      );
      const [scenario] = await loadScenariosFrom(
        [
          'name: Impatient customer',
          'persona: { description: A customer in a hurry, goal: Know where order 1001 is, maxTurns: 3 }',
          'tools: { lookup_order: { respond: { status: shipped, carrier: UPS } } }',
          'expect:',
          '  calls: [{ tool: lookup_order }]',
          '  rubric: [The bot gives the delivery date.]',
        ].join('\n'),
      );
      const report = await evalOnDemo(env, [scenario!], { runs: 1, profile: null });
      const run = report.scenarios[0]!.runs[0]!;
      expect(run.transcript.messages.map((message) => [message.author, message.text])).toEqual([
        ['visitor', 'hey where is order 1001'],
        ['bot', 'It shipped with UPS.'],
      ]);
      expect(run.rubric).toEqual([{ criterion: 'The bot gives the delivery date.', passed: false, reason: 'No delivery date is given.' }]);
      expect(run.failures).toEqual(['Rubric "The bot gives the delivery date." not met: No delivery date is given.']);
      expect(report.passed).toBe(false);
      // Each of the persona's and the judge's calls forced its one tool, and read the conversation as data.
      const forced = anthropic.requests.filter((body) => body.tool_choice !== undefined);
      expect(forced.map((body) => (body.tool_choice as { name: string }).name)).toEqual(['next_message', 'next_message', 'verdict']);
      expect(JSON.stringify(forced[2]!.messages)).toContain('bot: It shipped with UPS.');
    } finally {
      anthropic.close();
    }
  });

  it('fails a persona scenario without a key, saying what it needs, instead of passing it unplayed', async () => {
    const [scenario] = await loadScenariosFrom(
      [
        'name: Impatient customer',
        'persona: { description: A customer in a hurry, goal: Know where order 1001 is }',
        'expect: { handoff: false }',
      ].join('\n'),
    );
    const report = await evalOnDemo({ PARLEY_DATA_DIR: tempFolder() }, [scenario!], { runs: 1, profile: null });
    expect(report.passed).toBe(false);
    expect(report.scenarios[0]!.runs[0]!.failures).toEqual([
      'The scenario has a persona, which needs a model key (ANTHROPIC_API_KEY): its messages were not played.',
    ]);
  });
});

describe('parley eval on an organization', () => {
  const server = useTestServer();

  it("runs in a copy of the organization's setup with its profile, leaves its database alone, and keeps the report for admins", async () => {
    const shop = await createTenantWithAdmin(server, { bot: { enabled: true } });
    const imported = await apiRequest(server, '/api/knowledge/documents', shop.adminToken, 'POST', {
      sourceKey: 'warranty.md',
      format: 'markdown',
      content: '# Warranty\n\nEvery kayak paddle has a lifetime warranty against breakage. Send us a photo of the break.',
    });
    expect(imported.status).toBe(200);
    const profile = await apiRequest(server, '/api/bot/profiles', shop.adminToken, 'POST', { name: 'Paddles', botName: 'Pat' });
    expect(profile.status).toBe(201);
    // An MCP server whose tool the admin allowed (its address never reached: the eval answers for it).
    await server.db.db.insert(mcpServers).values({
      organizationId: shop.organization.id,
      name: 'crm',
      url: 'https://crm.invalid/mcp',
      tools: [
        {
          name: 'find_customer',
          description: 'Finds a customer by id: name and plan.',
          inputSchema: {
            type: 'object',
            properties: { customer_id: { type: 'string', pattern: '^C[0-9]{4}$' } },
            required: ['customer_id'],
          },
        },
      ],
    });

    const sandbox = await copiedSandbox(server.db.db, shop.organization.id);
    const env = { PARLEY_DATA_DIR: tempFolder() };
    let report;
    try {
      const scenarios = await loadScenariosFrom(
        [
          '- name: Paddle warranty',
          '  messages: [Is there a warranty on paddles?]',
          '  expect: { cites: [warranty.md], handoff: false }',
          '- name: Customer lookup',
          '  messages: [Please find customer C1234]',
          '  tools: { crm__find_customer: { respond: { name: Ada Lovelace, plan: Pro } } }',
          '  expect: { calls: [{ tool: crm__find_customer, input: { customer_id: C1234 } }], contains: [Ada Lovelace] }',
        ].join('\n'),
      );
      report = await runEval({ scenarios, runs: 1, profile: 'paddles', sandbox, env, secret, modelName: 'offline', judge: null });
    } finally {
      await sandbox.handle.close();
    }
    expect(report.scenarios.map((scenario) => scenario.runs[0]!.failures)).toEqual([[], []]);
    const bot = report.scenarios[0]!.runs[0]!.transcript.messages.find((message) => message.author === 'bot')!;
    expect(bot.profile).toBe('Paddles');
    expect(bot.citations).toEqual([expect.objectContaining({ title: 'Warranty', sourceKey: 'warranty.md' })]);
    // The scenario's visitor and conversation were the sandbox's only.
    expect(await server.db.db.select().from(conversations).where(eq(conversations.organizationId, shop.organization.id))).toEqual([]);

    const id = await storeEvalRun(server.db.db, shop.organization.id, report);
    const list = evalRunListSchema.parse(await jsonOf(await apiRequest(server, '/api/bot/eval-runs', shop.adminToken)));
    expect(list.runs).toEqual([expect.objectContaining({ id, profile: 'paddles', passed: true, scenarioCount: 2, passedCount: 2 })]);
    const stored = evalRunSchema.parse(await jsonOf(await apiRequest(server, `/api/bot/eval-runs/${id}`, shop.adminToken)));
    expect(stored.scenarios[0]!.runs[0]!.transcript.messages[0]).toEqual({ author: 'visitor', text: 'Is there a warranty on paddles?' });
    // Transcripts are the admins': an agent is refused, and another organization finds nothing.
    expect((await apiRequest(server, '/api/bot/eval-runs', shop.agentToken)).status).toBe(403);
    const other = await createTenantWithAdmin(server);
    expect((await apiRequest(server, `/api/bot/eval-runs/${id}`, other.adminToken)).status).toBe(404);
  });
});

describe("the demo shop's order action", () => {
  it('answers "where is my order 1001?" in `parley start` with the offline answerer, through the demo\'s own endpoint', async () => {
    const port = await freePort();
    const run = runCli(['start'], { PARLEY_DATA_DIR: tempFolder(), PORT: String(port) });
    try {
      await started(run);
      const visitor = await connectDemoVisitor(port);
      const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
      const sent = await request<Ack<MessageSent>>(visitor, 'message:send', {
        clientId: 'order-question-1',
        body: 'Where is my order 1001?',
      });
      expect(sent.ok).toBe(true);
      const { body } = await reply;
      expect(body).toContain('- Status: shipped');
      expect(body).toContain('- Tracking number: 1Z999AA10123456784');
      visitor.close();
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });
});
