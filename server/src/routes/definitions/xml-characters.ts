import type { DeployIssueDto } from '@baton/schemas';

// XML 1.0 forbids these characters, raw or as character references; PostgreSQL text cannot hold
// NUL at all. Caught here so such a file is a deploy problem, not a database error.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const ILLEGAL_RAW = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const ILLEGAL_REFERENCE =
  /&#(?:x0*(?:[0-8bcef]|1[0-9a-f]|fffe|ffff)|0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]|65534|65535));/i;

/** A file-level issue when the XML holds a character XML 1.0 does not allow; else none. */
export function illegalCharacterIssues(xml: string): DeployIssueDto[] {
  if (ILLEGAL_RAW.test(xml) || ILLEGAL_REFERENCE.test(xml)) {
    return [
      {
        code: 'XML_ILLEGAL_CHARACTER',
        message: 'The XML contains a control character that XML 1.0 does not allow',
      },
    ];
  }
  return [];
}
