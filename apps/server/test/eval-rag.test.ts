import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// `pnpm eval:rag --docs` end to end, as a user runs it: the built script (`pnpm test` builds before it tests) on a
// tiny help center imported through the CLI's import path, searched and decided as the bot does. The expected figures
// are worked out in the fixture's README. The embedded database always: DATABASE_URL is not passed on.

const evalPath = fileURLToPath(new URL('../dist/eval-rag.js', import.meta.url));
const fixture = fileURLToPath(new URL('__fixtures__/eval-help-center/', import.meta.url));

async function evalRag(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL' && !name.startsWith('PARLEY_')));
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [evalPath, ...args], { env, timeout: 55_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('eval:rag --docs', () => {
  it('imports a folder of help articles and prints the ranking, refusal and latency figures', async () => {
    const run = await evalRag(['--docs', `${fixture}corpus`, '--queries', `${fixture}queries.jsonl`, '--qrels', `${fixture}qrels.tsv`]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('#'))).toContain('# questions 4 answerable, 2 unanswerable');
    // Four files in two folders, one of them in two sections.
    expect(run.stdout).toContain('# documents 4 (0 failed), chunks 5');
    const figures = lines.filter((line) => !line.startsWith('#')).map((line) => line.split(' '));
    expect(figures.map(([name]) => name)).toEqual(['ndcg@10', 'recall@10', 'top1', 'refusal', 'false_refusal', 'p50_ms', 'p95_ms']);
    const value = Object.fromEntries(figures.map(([name, figure]) => [name, Number(figure)]));
    // r1 also grades an article it never finds 1: nDCG (0.82622 + 3) / 4, recall (0.5 + 3) / 4.
    expect(value).toMatchObject({ 'ndcg@10': 0.9566, 'recall@10': 0.875, top1: 1, refusal: 1, false_refusal: 0 });
    expect(value.p50_ms).toBeGreaterThan(0);
    expect(value.p95_ms).toBeGreaterThanOrEqual(value.p50_ms!);
  }, 60_000);

  it('reads the questions and judgements beside the folder by default, and tries another coverage cut', async () => {
    const run = await evalRag(['--docs', `${fixture}corpus`, '--min-coverage', '0']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('has coverage >= 0\n');
    // Every passage passes a cut of 0; the unanswerable questions find none at all, so they are still refused.
    expect(run.stdout).toMatch(/^refusal 1\.0000$/m);
    expect(run.stdout).toMatch(/^top1 1\.0000$/m);
  }, 60_000);

  it('says where to get the data when the folder does not exist, and exits with 1', async () => {
    const run = await evalRag(['--docs', `${fixture}no-such-folder`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`eval:rag: ${fixture}no-such-folder does not exist.`);
    expect(run.stderr).toContain('pnpm eval:rag --docs ../shared/data/support-docs-dev/corpus');
  });
});
