import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { naughtyStrings } from '../../test/helpers/naughty-strings.js';
import { loadScenarios, parseScenarios, ScenarioFileError } from './scenario.js';

/** The error `run` throws; fails the test when it throws none. */
function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('parseScenarios', () => {
  it('reads a single scenario object, with its defaults and its file', () => {
    const [scenario, ...rest] = parseScenarios(
      ['name: Order status', 'messages:', '  - Where is my order 1001?', 'expect:', '  handoff: false'].join('\n'),
      'orders.yaml',
    );
    expect(rest).toEqual([]);
    expect(scenario).toEqual({
      name: 'Order status',
      messages: ['Where is my order 1001?'],
      tools: {},
      expect: { handoff: false },
      file: 'orders.yaml',
    });
  });

  it('reads a YAML list of scenarios, in order', () => {
    const scenarios = parseScenarios(
      [
        '- name: First',
        '  messages: [hi]',
        '  expect: { contains: [hello] }',
        '- name: Second',
        '  messages: [bye]',
        '  expect: { handoff: true }',
      ].join('\n'),
      'list.yml',
    );
    expect(scenarios.map((scenario) => scenario.name)).toEqual(['First', 'Second']);
    expect(scenarios.map((scenario) => scenario.file)).toEqual(['list.yml', 'list.yml']);
    expect(scenarios[0]!.expect).toEqual({ contains: ['hello'] });
  });

  it('reads a `scenarios:` list', () => {
    const scenarios = parseScenarios(
      [
        'scenarios:',
        '  - name: A',
        '    messages: [one]',
        '    expect: { handoff: false }',
        '  - name: B',
        '    persona:',
        '      description: An impatient customer',
        '      goal: Learn when the tent arrives',
        '    expect: { handoff: false }',
      ].join('\n'),
      'wrapped.yaml',
    );
    expect(scenarios.map((scenario) => scenario.name)).toEqual(['A', 'B']);
    // A persona's turns default to 4.
    expect(scenarios[1]!.persona).toEqual({ description: 'An impatient customer', goal: 'Learn when the tent arrives', maxTurns: 4 });
  });

  it('reads JSON, and gives a tool response the status 200 by default', () => {
    const source = JSON.stringify({
      name: 'Lookup',
      messages: ['Where is order 1001?'],
      tools: { lookup_order: { respond: { status: 'shipped' } }, refund_order: { respond: { error: 'no' }, status: 404 } },
      decision: 'confirm',
      expect: { calls: [{ tool: 'lookup_order', input: { order_number: '1001' } }] },
    });
    const [scenario] = parseScenarios(source, 'lookup.json');
    expect(scenario!.tools).toEqual({
      lookup_order: { respond: { status: 'shipped' }, status: 200 },
      refund_order: { respond: { error: 'no' }, status: 404 },
    });
    expect(scenario!.decision).toBe('confirm');
    expect(scenario!.expect.calls).toEqual([{ tool: 'lookup_order', input: { order_number: '1001' } }]);
    expect(scenario!.file).toBe('lookup.json');
  });

  it('trims text fields', () => {
    const [scenario] = parseScenarios('name: "  Padded  "\nmessages: ["  hi  "]\nexpect: {}', 'pad.yaml');
    expect(scenario!.name).toBe('Padded');
    expect(scenario!.messages).toEqual(['hi']);
  });

  it('refuses an unknown key under expect, naming the file, the key and where it is', () => {
    const error = errorOf(() => parseScenarios('name: a\nmessages: [hi]\nexpect: { mentions: [x] }', 'bad.yaml'));
    expect(error).toBeInstanceOf(ScenarioFileError);
    expect(error.name).toBe('ScenarioFileError');
    expect(error.message).toMatch(/^bad\.yaml: /);
    expect(error.message).toContain('mentions');
    expect(error.message).toContain('expect');
  });

  it('refuses an unknown top-level key', () => {
    const error = errorOf(() => parseScenarios('name: a\nmessages: [hi]\nmesages: [typo]\nexpect: {}', 'typo.yaml'));
    expect(error).toBeInstanceOf(ScenarioFileError);
    expect(error.message).toContain('typo.yaml');
    expect(error.message).toContain('mesages');
  });

  it('refuses a scenario without `expect`', () => {
    const error = errorOf(() => parseScenarios('name: a\nmessages: [hi]', 'noexpect.yaml'));
    expect(error).toBeInstanceOf(ScenarioFileError);
    expect(error.message).toMatch(/^noexpect\.yaml: /);
    expect(error.message).toMatch(/at expect\b/);
  });

  it('refuses a scenario with neither messages nor a persona', () => {
    for (const source of ['name: a\nexpect: {}', 'name: a\nmessages: []\nexpect: {}']) {
      const error = errorOf(() => parseScenarios(source, 'silent.yaml'));
      expect(error).toBeInstanceOf(ScenarioFileError);
      expect(error.message).toContain('silent.yaml');
      expect(error.message).toContain('A scenario needs messages, a persona, or both.');
    }
  });

  it('refuses a file that is not YAML', () => {
    const error = errorOf(() => parseScenarios('name: [', 'broken.yaml'));
    expect(error).toBeInstanceOf(ScenarioFileError);
    expect(error.message).toMatch(/^broken\.yaml: not valid YAML or JSON: /);
  });

  it('refuses a file without scenarios', () => {
    for (const source of ['[]', 'scenarios: []']) {
      const error = errorOf(() => parseScenarios(source, 'empty.yaml'));
      expect(error).toBeInstanceOf(ScenarioFileError);
      expect(error.message).toBe('empty.yaml: holds no scenario.');
    }
    // An empty file is no scenario object either.
    expect(() => parseScenarios('', 'blank.yaml')).toThrow(ScenarioFileError);
  });

  it('names the scenario of a list that is wrong, and the field', () => {
    const source = '- name: a\n  messages: [hi]\n  expect: {}\n- name: b\n  messages: [hi]\n  expect: { handoff: yes please }';
    const error = errorOf(() => parseScenarios(source, 'many.yaml'));
    expect(error).toBeInstanceOf(ScenarioFileError);
    expect(error.message).toMatch(/^many\.yaml \(scenario 2\): /);
    expect(error.message).toContain('expect.handoff');
  });

  it("refuses a tool status outside 200–599 and a persona's turns outside 1–10", () => {
    const status = errorOf(() =>
      parseScenarios('name: a\nmessages: [hi]\ntools: { x: { respond: 1, status: 700 } }\nexpect: {}', 's.yaml'),
    );
    expect(status).toBeInstanceOf(ScenarioFileError);
    expect(status.message).toContain('tools.x.status');
    const turns = errorOf(() => parseScenarios('name: a\npersona: { description: d, goal: g, maxTurns: 11 }\nexpect: {}', 'p.yaml'));
    expect(turns).toBeInstanceOf(ScenarioFileError);
    expect(turns.message).toContain('persona.maxTurns');
  });

  it('refuses an unknown decision', () => {
    const error = errorOf(() => parseScenarios('name: a\nmessages: [hi]\ndecision: maybe\nexpect: {}', 'd.yaml'));
    expect(error).toBeInstanceOf(ScenarioFileError);
    expect(error.message).toContain('decision');
  });
});

describe('loadScenarios', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'parley-scenarios-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  function write(name: string, source: string): string {
    const file = join(directory, name);
    writeFileSync(file, source);
    return file;
  }

  it('reads YAML and JSON files, in order, naming each scenario by its file name', async () => {
    const yaml = write('first.yaml', '- name: one\n  messages: [hi]\n  expect: {}\n- name: two\n  messages: [hi]\n  expect: {}');
    const json = write('second.JSON', JSON.stringify({ name: 'three', messages: ['hi'], expect: { handoff: true } }));
    const scenarios = await loadScenarios([yaml, json]);
    expect(scenarios.map((scenario) => [scenario.name, scenario.file])).toEqual([
      ['one', 'first.yaml'],
      ['two', 'first.yaml'],
      ['three', 'second.JSON'],
    ]);
  });

  it('refuses a file of another extension', async () => {
    const file = write('scenario.txt', 'name: a\nmessages: [hi]\nexpect: {}');
    const error = await loadScenarios([file]).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(ScenarioFileError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('.yaml, .yml, .json');
  });

  it('refuses a missing file', async () => {
    const file = join(directory, 'absent.yaml');
    const error = await loadScenarios([file]).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(ScenarioFileError);
    expect((error as Error).message).toBe(`${file}: no such file`);
  });

  it('refuses two scenarios of one name across files', async () => {
    const first = write('a.yaml', 'name: Same\nmessages: [hi]\nexpect: {}');
    const second = write('b.yml', 'name: Same\nmessages: [hello]\nexpect: {}');
    const error = await loadScenarios([first, second]).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(ScenarioFileError);
    expect((error as Error).message).toBe('Two scenarios are named "Same": names must differ.');
  });

  it('names the file, without its directory, in a format error', async () => {
    const file = write('wrong.yaml', 'name: a\nmessages: [hi]');
    const error = await loadScenarios([file]).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(ScenarioFileError);
    expect((error as Error).message).toMatch(/^wrong\.yaml: /);
  });
});

describe('parseScenarios with the naughty strings', () => {
  it('keeps each one as a name, a message and an expectation, trimmed, or refuses it with a ScenarioFileError', () => {
    let kept = 0;
    for (const naughty of naughtyStrings()) {
      // JSON is YAML: the string reaches the parser exactly, whatever it holds.
      const source = JSON.stringify({ name: naughty, messages: [naughty], expect: { contains: [naughty] } });
      try {
        const [scenario] = parseScenarios(source, 'naughty.json');
        expect(scenario!.name).toBe(naughty.trim());
        expect(scenario!.messages).toEqual([naughty.trim()]);
        expect(scenario!.expect.contains).toEqual([naughty.trim()]);
        kept += 1;
      } catch (error) {
        expect(error).toBeInstanceOf(ScenarioFileError);
        expect((error as Error).message).toMatch(/^naughty\.json: /);
      }
    }
    expect(kept).toBeGreaterThan(400);
  });
});
