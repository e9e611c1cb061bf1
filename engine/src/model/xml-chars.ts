/**
 * Characters XML 1.0 forbids, raw or as character references (§2.2 `Char`, §4.1 "Well-formedness
 * constraint: Legal Character"). The BPMN parser lets some through (a NUL, `&#0;`, `&#x110000;`),
 * and a NUL cannot even be stored in a PostgreSQL text column, so a bad upload would end in a
 * database error instead of a deploy issue. Checked before parsing.
 */

/** Anything outside `#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]`, lone surrogates included. */
const FORBIDDEN_RAW = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const CHARACTER_REFERENCE = /&#(x[0-9a-fA-F]+|[0-9]+);/g;

/** Where the first forbidden character is, and what it is. */
export interface ForbiddenCharacter {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** The first character (raw or referenced) that XML 1.0 forbids in `xml`, if any. */
export function findForbiddenCharacter(xml: string): ForbiddenCharacter | undefined {
  const raw = FORBIDDEN_RAW.exec(xml);
  const reference = firstForbiddenReference(xml);
  const rawFirst = raw !== null && (reference === undefined || raw.index < reference.index);
  if (rawFirst) {
    const code = xml.codePointAt(raw.index) ?? 0;
    return { ...lineAndColumn(xml, raw.index), message: `the character ${hex(code)} is not allowed in XML` };
  }
  if (reference === undefined) return undefined;
  return {
    ...lineAndColumn(xml, reference.index),
    message: `the character reference ${reference.text} names a character that is not allowed in XML`,
  };
}

function firstForbiddenReference(xml: string): { index: number; text: string } | undefined {
  if (!xml.includes('&#')) return undefined;
  for (const match of xml.matchAll(CHARACTER_REFERENCE)) {
    const digits = match[1] ?? '';
    const code = digits.startsWith('x') ? Number.parseInt(digits.slice(1), 16) : Number.parseInt(digits, 10);
    if (isXmlChar(code) || isLiteralText(xml, match.index)) continue;
    return { index: match.index, text: match[0] };
  }
  return undefined;
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Inside a CDATA section or a comment a reference is plain text, not a character. */
function isLiteralText(xml: string, index: number): boolean {
  const enclosedBy = (open: string, close: string) => {
    const opened = xml.lastIndexOf(open, index);
    return opened >= 0 && xml.indexOf(close, opened) > index;
  };
  return enclosedBy('<![CDATA[', ']]>') || enclosedBy('<!--', '-->');
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: index - lineStart + 1 };
}

function hex(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
