import { createRequire } from 'node:module';
import { BpmnModdle, type ModdleWarning } from 'bpmn-moddle';
import type { IssueCollector } from './issues.js';
import { findForbiddenCharacter } from './xml-chars.js';

/**
 * The loose shape of a bpmn-moddle element. The model layer reads moddle trees only through the
 * helpers below and never hands them on: the runtime sees the compiled `ProcessModel` alone.
 */
export interface ModdleNode {
  readonly $type: string;
  readonly id?: string;
  readonly $attrs?: Readonly<Record<string, string>>;
  readonly $descriptor?: { readonly ns?: { readonly uri?: string } };
  readonly $parent?: ModdleNode;
  $instanceOf(type: string): boolean;
  readonly [key: string]: unknown;
}

const zeebeDescriptor: unknown = createRequire(import.meta.url)('zeebe-bpmn-moddle/resources/zeebe.json');

/** Parses BPMN 2.0 XML with the Zeebe extensions; XML and reference problems go to `issues`. */
export async function parseBpmn(xml: string, issues: IssueCollector): Promise<ModdleNode | undefined> {
  // The parser does not expand entities, but a DOCTYPE has no place in BPMN: say so plainly.
  if (/<!DOCTYPE/i.test(xml)) {
    issues.add(
      undefined,
      'xml.malformed',
      'DOCTYPE declarations (and the entities they define) are not allowed',
    );
    return undefined;
  }
  // The parser lets some characters XML forbids through (and PostgreSQL cannot store a NUL): the
  // file is refused for them, and parsing goes on so the author sees every other problem too.
  const forbidden = findForbiddenCharacter(xml);
  if (forbidden) {
    issues.add(undefined, 'xml.malformed', forbidden.message, {
      line: forbidden.line,
      column: forbidden.column,
    });
  }
  const text = withReadableEncoding(xml, issues);
  if (text === undefined) return undefined;
  const moddle = new BpmnModdle({ zeebe: zeebeDescriptor });
  try {
    const result = await moddle.fromXML(text, 'bpmn:Definitions');
    for (const warning of result.warnings) reportWarning(warning, xml, issues);
    return result.rootElement as ModdleNode;
  } catch (error) {
    const failure = error as ModdleWarning & { warnings?: readonly ModdleWarning[] };
    const warnings = failure.warnings ?? [];
    for (const warning of warnings) reportWarning(warning, xml, issues);
    if (warnings.length === 0 || !failure.message.startsWith('failed to parse document')) {
      issues.add(undefined, 'xml.malformed', describe(failure.message), position(failure.message));
    }
    return undefined;
  }
}

const DECLARED_ENCODING = /^(\uFEFF?<\?xml\s[^?]*?\bencoding\s*=\s*)(["'])([^"']*)\2/;
const UNICODE_ENCODING = /^(utf-?8|utf-?16(le|be)?|ucs-?2)$/i;

/**
 * The file arrives as text, already decoded; the parser knows only UTF-8 and reports any other
 * declared encoding. A Unicode one (UTF-16 included) describes text that is already right. Another
 * (Camunda 7 era files often say `windows-1252` or `ISO-8859-1`) is harmless when the text is pure
 * ASCII, which every such encoding spells the same way. Both are parsed as if they said UTF-8.
 * Otherwise the bytes were decoded with a guess that may have altered names and texts, so the
 * file is refused.
 */
function withReadableEncoding(xml: string, issues: IssueCollector): string | undefined {
  const declared = DECLARED_ENCODING.exec(xml);
  const encoding = declared?.[3]?.trim();
  if (!declared || !encoding) return xml;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  if (UNICODE_ENCODING.test(encoding) || /^[\x00-\x7F]*$/.test(xml)) {
    return `${declared[1]}${declared[2]}UTF-8${declared[2]}${xml.slice(declared[0].length)}`;
  }
  issues.add(
    undefined,
    'xml.malformed',
    `the file declares encoding="${encoding}" and has non-ASCII characters; save it as UTF-8`,
    { line: 1, column: 1 },
  );
  return undefined;
}

/** References to a data type (an item definition): documentation only, execution never reads them. */
const TYPE_REFERENCES: ReadonlySet<string> = new Set(['structureRef', 'itemRef', 'itemSubjectRef']);

function reportWarning(warning: ModdleWarning, xml: string, issues: IssueCollector): void {
  const message = warning.message;
  // Diagram interchange only draws the model: a shape pointing nowhere does not change behaviour.
  if (warning.element?.$type.startsWith('bpmndi:')) return;
  if (message.startsWith('unresolved reference')) {
    const property = (warning.property ?? 'reference').replace(/^bpmn:/, '');
    const owner = pinnable(warning.element as ModdleNode | undefined);
    if (TYPE_REFERENCES.has(property)) {
      issues.warn(
        owner?.id,
        'reference.type-unresolved',
        `${property} '${String(warning.value)}' names no item definition; the engine does not check data types, so it is ignored`,
      );
      return;
    }
    issues.add(
      owner?.id,
      'reference.missing',
      `${property} points to '${String(warning.value)}', which does not exist`,
    );
    return;
  }
  const at = position(message);
  const elementId = at ? idAt(xml, at.line, at.column) : undefined;
  const nested = /nested error: (.*)$/m.exec(message)?.[1] ?? '';
  const duplicate = /^duplicate ID <(.*)>/.exec(nested);
  if (duplicate) {
    issues.add(duplicate[1], 'id.duplicate', `the id '${duplicate[1]}' is used by more than one element`, at);
  } else if (nested.startsWith('unknown type')) {
    const tag = /<([^>]+)>/.exec(message)?.[1] ?? 'element';
    issues.add(
      elementId,
      'element.unsupported',
      `<${tag}> is not a BPMN or Zeebe element this engine knows`,
      at,
    );
  } else {
    issues.add(elementId, 'xml.invalid', describe(message), at);
  }
}

/** The nearest element a diagram can show a problem on: event definitions and loop markers belong to their node. */
function pinnable(node: ModdleNode | undefined): ModdleNode | undefined {
  let current = node;
  while (
    current?.$parent &&
    !(current.id && (current.$instanceOf('bpmn:FlowElement') || current.$instanceOf('bpmn:RootElement')))
  ) {
    current = current.$parent;
  }
  return current;
}

/** moddle-xml reports 0-based positions inside its message; issues carry 1-based ones. */
function position(message: string): { line: number; column: number } | undefined {
  const match = /line: (\d+)\s+column: (\d+)/.exec(message);
  return match ? { line: Number(match[1]) + 1, column: Number(match[2]) + 1 } : undefined;
}

function describe(message: string): string {
  const first = message.split('\n')[0] ?? message;
  const nested = /nested error: (.*)$/m.exec(message)?.[1];
  return nested ? `${first}: ${nested}` : first;
}

/** The `id` attribute of the tag that starts at a 1-based line and column, to pin an XML problem on it. */
function idAt(xml: string, line: number, column: number): string | undefined {
  const text = xml.split(/\r\n|\r|\n/)[line - 1]?.slice(column - 1) ?? '';
  return /^<[^>]*?\sid="([^"]*)"/.exec(text)?.[1];
}

/** A string attribute, or undefined. */
export function attr(node: ModdleNode | undefined, key: string): string | undefined {
  const value = node?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** A child list (`flowElements`, `eventDefinitions`, ...), empty when absent. */
export function children(node: ModdleNode | undefined, key: string): readonly ModdleNode[] {
  const value = node?.[key];
  return Array.isArray(value) ? (value as ModdleNode[]) : [];
}

/** A single child or resolved reference. */
export function child(node: ModdleNode | undefined, key: string): ModdleNode | undefined {
  const value = node?.[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as ModdleNode)
    : undefined;
}

/** The extension elements of a node (`bpmn:extensionElements` values). */
export function extensions(node: ModdleNode | undefined): readonly ModdleNode[] {
  return children(child(node, 'extensionElements'), 'values');
}

/** The first extension element of a Zeebe type, like `zeebe:TaskDefinition`. */
export function extension(node: ModdleNode | undefined, type: string): ModdleNode | undefined {
  return extensions(node).find((value) => value.$type === type);
}

/** The text of a formal expression child (`conditionExpression`, `timeDuration`, ...). */
export function expressionBody(node: ModdleNode | undefined, key: string): string | undefined {
  const body = child(node, key)?.body;
  return typeof body === 'string' ? body : undefined;
}

/** `documentation` as one string. */
export function documentation(node: ModdleNode): string | undefined {
  const texts = children(node, 'documentation')
    .map((doc) => attr(doc, 'text')?.trim())
    .filter((text): text is string => !!text);
  return texts.length > 0 ? texts.join('\n\n') : undefined;
}
