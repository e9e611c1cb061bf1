import { ALLOWED_FILE_TYPES } from '@baton/schemas';
import { fileTypeFromBuffer } from 'file-type';

/** How many leading bytes decide the type (what `file-type` reads for the formats we allow). */
export const SNIFF_BYTES = 4100;

const ALLOWED = new Set<string>(ALLOWED_FILE_TYPES);

/** Types browsers send when they do not know: no claim about the content. */
const NO_CLAIM = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/** Office formats are zip files: a browser may call them zip, and `file-type` may see a plain zip. */
const ZIP_FAMILY = new Set<string>(
  ALLOWED_FILE_TYPES.filter(
    (t) => t.includes('openxml') || t.includes('opendocument') || t === 'application/zip',
  ),
);

/** Why an upload's type is refused (a 415). */
export class FileTypeRefused extends Error {
  override readonly name = 'FileTypeRefused';
}

function looksLikeText(head: Uint8Array): boolean {
  // UTF-8 (an incomplete sequence at the cut is fine) without NUL or control characters other
  // than tab, newline, carriage return and form feed.
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, lastWholeChar(head)));
    return true;
  } catch {
    return false;
  }
}

/** Where the last complete UTF-8 character ends (the sniffed head may cut one in two). */
function lastWholeChar(head: Uint8Array): number {
  let i = head.length;
  for (let back = 0; back < 4 && i > 0; back++) {
    const b = head[i - 1] ?? 0;
    if ((b & 0xc0) === 0x80) i--;
    else return b >= 0xc0 ? i - 1 : head.length;
  }
  return i;
}

/**
 * The type an upload is stored and served as, decided by its first bytes against the allow-list;
 * the type the client declared must agree (an office document may be declared as a zip and back).
 * Throws FileTypeRefused for a type not on the list or a declared type the bytes contradict.
 */
export async function decideFileType(head: Uint8Array, declared: string, name: string): Promise<string> {
  const claim = declared.split(';')[0]?.trim().toLowerCase() ?? '';
  const sniffed = (await fileTypeFromBuffer(head))?.mime as string | undefined;
  let type: string;
  if (sniffed) {
    type = sniffed;
  } else if (looksLikeText(head)) {
    type = claim === 'text/csv' || /\.csv$/i.test(name) ? 'text/csv' : 'text/plain';
  } else {
    throw new FileTypeRefused('The file type could not be recognised and is not allowed');
  }
  if (!ALLOWED.has(type)) throw new FileTypeRefused(`Files of type ${type} are not allowed`);
  if (!NO_CLAIM.has(claim) && !ALLOWED.has(claim))
    throw new FileTypeRefused(`Files of type ${claim} are not allowed`);
  const agrees =
    NO_CLAIM.has(claim) ||
    claim === type ||
    (ZIP_FAMILY.has(claim) && ZIP_FAMILY.has(type)) ||
    (type.startsWith('text/') && claim.startsWith('text/'));
  if (!agrees) throw new FileTypeRefused(`The file says it is ${claim}, but its content is ${type}`);
  // A zip declared as an office document keeps the declared (allowed) office type.
  return type === 'application/zip' && ZIP_FAMILY.has(claim) ? claim : type;
}

/**
 * A file name safe to store and to put in a header: the last path segment, without control
 * characters, quotes, backslashes or slashes, at most 200 characters; "file" when nothing is left.
 */
export function sanitizeFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f"<>|:*?\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/^[.\s]+/, '')
    .trim();
  return [...clean].slice(0, 200).join('') || 'file';
}
