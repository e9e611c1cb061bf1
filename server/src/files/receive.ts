import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { HttpProblem, problems } from '../errors.js';
import { decideFileType, FileTypeRefused, SNIFF_BYTES } from './file-type.js';

/** An upload read to its end, under the limit, with its type decided. */
export interface ReceivedFile {
  readonly bytes: Buffer;
  readonly size: number;
  readonly sha256: string;
  readonly type: string;
}

/** 413: the upload is larger than the limit. */
export function fileTooLarge(limit: number): HttpProblem {
  return new HttpProblem(413, 'FILE_TOO_LARGE', `Files may be at most ${limit} bytes`);
}

/**
 * Reads an upload stream chunk by chunk: it hashes as it goes, decides the type from the first
 * bytes, and keeps no byte beyond the limit. A refusal (415 for the type, 413 for the size) is
 * decided as soon as it is known, but the rest of the part is read and dropped, so the client
 * gets the answer instead of a reset connection; @fastify/multipart cuts the part one byte over
 * the limit (`truncated`), so what is dropped is bounded too.
 */
export async function receiveFile(
  stream: Readable & { truncated?: boolean },
  declared: string,
  name: string,
  limit: number,
): Promise<ReceivedFile> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  let type: string | null = null;
  let refusal: unknown = null;
  const decide = async (): Promise<void> => {
    const head = Buffer.concat(chunks).subarray(0, SNIFF_BYTES);
    try {
      type = await decideFileType(head, declared, name);
    } catch (err) {
      refusal = err instanceof FileTypeRefused ? new HttpProblem(415, 'FILE_TYPE_REFUSED', err.message) : err;
    }
  };
  for await (const chunk of stream) {
    if (refusal) continue;
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      refusal = fileTooLarge(limit);
      chunks.length = 0;
      continue;
    }
    hash.update(buf);
    chunks.push(buf);
    if (type === null && size >= SNIFF_BYTES) await decide();
  }
  if (refusal) throw refusal;
  if (stream.truncated) throw fileTooLarge(limit);
  if (size === 0) throw problems.badRequest('FILE_EMPTY', 'The file is empty');
  if (type === null) await decide();
  if (refusal) throw refusal;
  return { bytes: Buffer.concat(chunks, size), size, sha256: hash.digest('hex'), type: type ?? 'text/plain' };
}
