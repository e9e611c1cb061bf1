import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

const FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures');

/** Every valid-or-invalid BPMN fixture of the engine suite, as text: the seeds the mutations start from. */
export const fixtureFiles: readonly { readonly name: string; readonly xml: string }[] = readdirSync(
  FIXTURES_DIR,
)
  .filter((name) => name.endsWith('.bpmn'))
  .sort()
  .map((name) => ({ name, xml: readFileSync(join(FIXTURES_DIR, name), 'utf8') }));

/** One edit of a file; positions are fractions of its length so they fit any seed. */
export type Mutation =
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly length: number }
  | { readonly kind: 'swap'; readonly at: number; readonly other: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'remove-attribute'; readonly nth: number }
  | { readonly kind: 'rename-tag'; readonly nth: number; readonly name: string }
  | { readonly kind: 'inject'; readonly at: number; readonly garbage: string };

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

/** Fragments that parsers choke on: markup, entities, CDATA ends, odd unicode, FEEL and namespace bits. */
const nastyFragment = fc.constantFrom(
  '<',
  '>',
  '&',
  '&amp',
  '&lol;',
  '&#0;',
  '&#x110000;',
  ']]>',
  '<![CDATA[',
  '<!--',
  '-->',
  '<?xml version="1.0"?>',
  '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
  '"',
  "'",
  '\u0000',
  '\uFFFE',
  '\uD800',
  '\u202E',
  'xmlns:bpmn="urn:other"',
  'xmlns=""',
  'id=""',
  'id="start"',
  'sourceRef="nowhere"',
  '=a + ',
  // A template placeholder other engines evaluate; to BPMN it is just text.
  ['$', '{x}'].join(''),
  '</bpmn:process>',
  '<bpmn:process id="p2" isExecutable="true">',
  '<bpmn:userTask id="dup"/><bpmn:userTask id="dup"/>',
  '<zeebe:taskDefinition type="" retries="-1"/>',
  '<bpmn:timeDuration>P-1D</bpmn:timeDuration>',
);

const garbage = fc.oneof(
  nastyFragment,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.array(nastyFragment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('')),
);

const tagName = fc.oneof(
  fc.constantFrom('bpmn:task', 'bpmn:fancyTask', 'zeebe:nothing', 'foo', 'bpmn:subProcess', 'bpmn:process'),
  fc.stringMatching(/^[A-Za-z_][\w.-]{0,12}(:[A-Za-z_][\w.-]{0,12})?$/),
);

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete'), at: fraction, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('duplicate'), at: fraction, length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('swap'), at: fraction, other: fraction }),
  fc.record({ kind: fc.constant('truncate'), at: fraction }),
  fc.record({ kind: fc.constant('remove-attribute'), nth: fc.nat() }),
  fc.record({ kind: fc.constant('rename-tag'), nth: fc.nat(), name: tagName }),
  fc.record({ kind: fc.constant('inject'), at: fraction, garbage }),
) as fc.Arbitrary<Mutation>;

/** Applies one mutation to `xml`. */
export function mutate(xml: string, mutation: Mutation): string {
  const at = (f: number) => Math.floor(f * xml.length);
  switch (mutation.kind) {
    case 'delete':
      return xml.slice(0, at(mutation.at)) + xml.slice(at(mutation.at) + mutation.length);
    case 'duplicate': {
      const start = at(mutation.at);
      return xml.slice(0, start) + xml.slice(start, start + mutation.length) + xml.slice(start);
    }
    case 'swap': {
      const [i, j] = [at(mutation.at), at(mutation.other)].sort((a, b) => a - b) as [number, number];
      if (i === j) return xml;
      return xml.slice(0, i) + xml[j] + xml.slice(i + 1, j) + xml[i] + xml.slice(j + 1);
    }
    case 'truncate':
      return xml.slice(0, at(mutation.at));
    case 'remove-attribute':
      return replaceNth(xml, /\s[\w:.-]+="[^"]*"/g, mutation.nth, () => '');
    case 'rename-tag':
      // Only the opening tag is renamed, so the closing tag usually mismatches too: both are worth trying.
      return replaceNth(xml, /<([A-Za-z][\w:.-]*)/g, mutation.nth, () => `<${mutation.name}`);
    case 'inject':
      return xml.slice(0, at(mutation.at)) + mutation.garbage + xml.slice(at(mutation.at));
  }
}

function replaceNth(text: string, pattern: RegExp, nth: number, replacement: () => string): string {
  const matches = [...text.matchAll(pattern)];
  if (matches.length === 0) return text;
  const match = matches[nth % matches.length]!;
  const index = match.index ?? 0;
  return text.slice(0, index) + replacement() + text.slice(index + match[0].length);
}

const NAMESPACES =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"';

/** A BPMN file with `content` inside `bpmn:definitions`. */
export function definitionsWith(content: string, prolog = '<?xml version="1.0" encoding="UTF-8"?>'): string {
  return `${prolog}\n<bpmn:definitions ${NAMESPACES} id="defs" targetNamespace="urn:test">${content}</bpmn:definitions>`;
}

/** `depth` levels of `open`/`close` around `inner`, built without recursion. */
export function nested(depth: number, open: (level: number) => string, close: string, inner = ''): string {
  const parts: string[] = [];
  for (let level = 0; level < depth; level++) parts.push(open(level));
  parts.push(inner);
  parts.push(close.repeat(depth));
  return parts.join('');
}

/**
 * A valid process of about `bytes` bytes: start, then blocks of a subprocess holding a chain of
 * user tasks, then end. Big, but everything in it is real and must compile cleanly.
 */
export function hugeValidProcess(bytes: number): string {
  const parts: string[] = ['<bpmn:process id="huge" isExecutable="true"><bpmn:startEvent id="start"/>'];
  let size = parts[0]!.length;
  let previous = 'start';
  for (let block = 0; size < bytes; block++) {
    const tasks: string[] = [`<bpmn:startEvent id="b${block}-start"/>`];
    let inner = `b${block}-start`;
    for (let task = 0; task < 20; task++) {
      const id = `b${block}-t${task}`;
      tasks.push(
        `<bpmn:userTask id="${id}" name="Task ${task} of block ${block}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="staff"/></bpmn:extensionElements></bpmn:userTask>`,
        `<bpmn:sequenceFlow id="b${block}-f${task}" sourceRef="${inner}" targetRef="${id}"/>`,
      );
      inner = id;
    }
    tasks.push(
      `<bpmn:endEvent id="b${block}-end"/>`,
      `<bpmn:sequenceFlow id="b${block}-fe" sourceRef="${inner}" targetRef="b${block}-end"/>`,
    );
    const text = `<bpmn:subProcess id="b${block}">${tasks.join('')}</bpmn:subProcess><bpmn:sequenceFlow id="to-b${block}" sourceRef="${previous}" targetRef="b${block}"/>`;
    parts.push(text);
    size += text.length;
    previous = `b${block}`;
  }
  parts.push(
    `<bpmn:endEvent id="end"/><bpmn:sequenceFlow id="to-end" sourceRef="${previous}" targetRef="end"/>`,
  );
  parts.push('</bpmn:process>');
  return definitionsWith(parts.join(''));
}
