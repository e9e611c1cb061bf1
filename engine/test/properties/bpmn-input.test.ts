import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompileResult, compileBpmn } from '../../src/model/index.js';
import {
  definitionsWith,
  fixtureFiles,
  hugeValidProcess,
  mutate,
  mutationArbitrary,
  nested,
} from './bpmn-mutations.js';

// Bounds for one compile on a busy 2-core machine: generous, but a hang or a blow-up trips them.
const SMALL_FILE_MS = 3_000;
const HUGE_FILE_MS = 25_000;
const FIVE_MB = 5 * 1024 * 1024;

/** Compiles and checks the contract every input must meet, whatever it is. */
async function compileWithinContract(xml: string, boundMs: number): Promise<CompileResult> {
  const started = performance.now();
  const result = await compileBpmn(xml);
  const elapsed = performance.now() - started;
  expect(elapsed, `compile took ${Math.round(elapsed)} ms`).toBeLessThan(boundMs);
  if (result.issues.length === 0) {
    expect(result.processes.length).toBeGreaterThan(0);
  }
  for (const issue of result.issues) {
    expect(issue.code).toMatch(/^[a-z-]+\.[a-z-]+$/);
    expect(typeof issue.message).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
  }
  return result;
}

const anyFixture = fc.constantFrom(...fixtureFiles);

describe('compileBpmn under hostile input', () => {
  it('answers every mutated fixture with clean processes or coded issues, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyFixture,
        fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
        async (fixture, mutations) => {
          // given a fixture with a few random edits
          const xml = mutations.reduce(mutate, fixture.xml);
          // when / then
          await compileWithinContract(xml, SMALL_FILE_MS);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives the same answer twice for the same broken file', async () => {
    await fc.assert(
      fc.asyncProperty(anyFixture, mutationArbitrary, async (fixture, mutation) => {
        // given
        const xml = mutate(fixture.xml, mutation);
        // when
        const first = await compileWithinContract(xml, SMALL_FILE_MS);
        const second = await compileWithinContract(xml, SMALL_FILE_MS);
        // then
        expect(second.issues).toEqual(first.issues);
        expect(second.processes.map((p) => p.id)).toEqual(first.processes.map((p) => p.id));
      }),
      { numRuns: 30 },
    );
  });

  it('answers arbitrary text and tag soup within the contract', async () => {
    const soup = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            '<bpmn:process id="p" isExecutable="true">',
            '</bpmn:process>',
            '<bpmn:startEvent/>',
          ),
          fc.constantFrom('<', '>', '/>', '="', '&', '<!--', ']]>', '<?xml ?>', ' id="x"'),
          fc.string({ maxLength: 12 }),
        ),
        { maxLength: 60 },
      )
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          soup,
          soup.map((s) => definitionsWith(s)),
        ),
        (xml) => compileWithinContract(xml, SMALL_FILE_MS).then(() => undefined),
      ),
      { numRuns: 150 },
    );
  });

  it('rejects entity expansion ("billion laughs") without expanding anything', async () => {
    // given the classic exponential entity bomb
    const entities = ['<!ENTITY lol0 "lol">'];
    for (let level = 1; level <= 9; level++) {
      entities.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`);
    }
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE bpmn:definitions [${entities.join('')}]>\n${definitionsWith(
      '<bpmn:process id="p" isExecutable="true" name="&lol9;"><bpmn:startEvent id="s" name="&lol9;"/></bpmn:process>',
      '',
    )}`;
    // when
    const { processes, issues } = await compileWithinContract(bomb, SMALL_FILE_MS);
    // then nothing is compiled and the problem is named
    expect(processes).toEqual([]);
    expect(issues.map((issue) => issue.code)).toEqual(['xml.malformed']);
  });

  it('never reads external entities (XXE)', async () => {
    // given a file that tries to pull a local file and a URL into an attribute and a text node
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY passwd SYSTEM "file:///etc/passwd"><!ENTITY remote SYSTEM "http://127.0.0.1:1/x"><!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>\n${definitionsWith(
      '<bpmn:process id="p" isExecutable="true" name="&passwd;"><bpmn:documentation>&remote;</bpmn:documentation></bpmn:process>',
      '',
    )}`;
    // when
    const { processes, issues } = await compileWithinContract(xxe, SMALL_FILE_MS);
    // then
    expect(processes).toEqual([]);
    expect(JSON.stringify(issues)).not.toContain('root:');
  });

  it('treats entity references without a DOCTYPE as text or faults, never as expansions', async () => {
    const xml = definitionsWith(
      '<bpmn:process id="p" isExecutable="true" name="&lol9;&#0;&#x110000;&undefined;"><bpmn:startEvent id="s"/></bpmn:process>',
    );
    const { processes } = await compileWithinContract(xml, SMALL_FILE_MS);
    // then an undeclared entity stays the literal text it was
    expect(processes[0]?.name).toContain('&lol9;');
    expect(processes[0]?.name).not.toContain('lollol');
  });

  it.each([
    ['a raw NUL character', '\u0000'],
    ['a character reference to NUL', '&#0;'],
    ['a character reference beyond Unicode', '&#x110000;'],
    ['a raw control character', '\u0001'],
  ])('refuses %s, which XML 1.0 forbids', async (_name, bad) => {
    // given an otherwise valid process whose name holds the character (NUL cannot even be stored
    // in a PostgreSQL text column: letting it through turns a bad upload into a server error)
    const xml = definitionsWith(
      `<bpmn:process id="p" name="a${bad}b" isExecutable="true"><bpmn:startEvent id="s"/></bpmn:process>`,
    );
    // when
    const { issues } = await compileWithinContract(xml, SMALL_FILE_MS);
    // then
    expect(issues.map((issue) => issue.code)).toContain('xml.malformed');
  });

  it.each([
    [
      'subprocesses',
      (depth: number) =>
        definitionsWith(
          `<bpmn:process id="p" isExecutable="true">${nested(depth, (level) => `<bpmn:subProcess id="s${level}">`, '</bpmn:subProcess>')}</bpmn:process>`,
        ),
    ],
    [
      'extension elements',
      (depth: number) =>
        definitionsWith(
          `<bpmn:process id="p" isExecutable="true">${nested(depth, () => '<bpmn:extensionElements>', '</bpmn:extensionElements>')}</bpmn:process>`,
        ),
    ],
    [
      'unknown elements',
      (depth: number) =>
        definitionsWith(
          `<bpmn:process id="p" isExecutable="true">${nested(depth, () => '<x:y>', '</x:y>')}</bpmn:process>`,
        ),
    ],
    ['bare elements without a BPMN root', (depth: number) => nested(depth, () => '<a>', '</a>')],
    [
      'unclosed elements',
      (depth: number) => definitionsWith(nested(depth, () => '<bpmn:process isExecutable="true">', '')),
    ],
  ])('survives 10,000 levels of nested %s', async (_name, build) => {
    // given
    const xml = build(10_000);
    // when
    const { issues } = await compileWithinContract(xml, HUGE_FILE_MS);
    // then a structure this deep is never deployable
    expect(issues.length).toBeGreaterThan(0);
  });

  it('compiles a valid 5 MB process in bounded time', async () => {
    // given
    const xml = hugeValidProcess(FIVE_MB);
    expect(xml.length).toBeGreaterThan(FIVE_MB);
    // when
    const { processes, issues } = await compileWithinContract(xml, HUGE_FILE_MS);
    // then
    expect(issues).toEqual([]);
    expect(processes.map((process) => process.id)).toEqual(['huge']);
  });

  it.each([
    [
      'one huge attribute',
      () => definitionsWith(`<bpmn:process id="p" isExecutable="true" name="${'x'.repeat(FIVE_MB)}"/>`),
    ],
    [
      'one huge text node',
      () =>
        definitionsWith(
          `<bpmn:process id="p" isExecutable="true"><bpmn:documentation>${'y&amp;'.repeat(FIVE_MB / 6)}</bpmn:documentation></bpmn:process>`,
        ),
    ],
    [
      'a flood of unknown siblings',
      () =>
        definitionsWith(
          `<bpmn:process id="p" isExecutable="true">${'<x:y a="1"/>'.repeat(FIVE_MB / 12)}</bpmn:process>`,
        ),
    ],
    [
      'a flood of opening tags that never close',
      () => definitionsWith('<bpmn:process>'.repeat(FIVE_MB / 14)),
    ],
  ])('answers 5 MB of %s in bounded time', async (_name, build) => {
    const xml = build();
    expect(xml.length).toBeGreaterThan(FIVE_MB * 0.9);
    await compileWithinContract(xml, HUGE_FILE_MS);
  });
});
