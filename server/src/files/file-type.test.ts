import { describe, expect, it } from 'vitest';
import { decideFileType, FileTypeRefused, sanitizeFileName } from './file-type.js';

const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n');

describe('decideFileType', () => {
  it('takes the type from the bytes when the browser makes no claim', async () => {
    expect(await decideFileType(PDF, 'application/octet-stream', 'x.bin')).toBe('application/pdf');
    expect(await decideFileType(PDF, '', 'x')).toBe('application/pdf');
  });

  it('refuses a claim the bytes contradict, and a claimed type not on the list', async () => {
    await expect(decideFileType(PDF, 'image/png', 'x.png')).rejects.toBeInstanceOf(FileTypeRefused);
    await expect(decideFileType(Buffer.from('<b>hi</b>'), 'text/html', 'x.html')).rejects.toBeInstanceOf(
      FileTypeRefused,
    );
  });

  it('takes UTF-8 text as plain text or CSV, but not binary bytes', async () => {
    expect(await decideFileType(Buffer.from('a,b\n1,2\n'), 'text/csv', 'x.csv')).toBe('text/csv');
    expect(await decideFileType(Buffer.from('名前\n'), '', 'notes')).toBe('text/plain');
    // a character cut in two at the end of the sniffed head is still text
    expect(await decideFileType(Buffer.from('ab名').subarray(0, 4), '', 'n.txt')).toBe('text/plain');
    await expect(decideFileType(Buffer.from([0, 1, 2, 3]), 'text/plain', 'x.txt')).rejects.toBeInstanceOf(
      FileTypeRefused,
    );
  });
});

describe('sanitizeFileName', () => {
  it('keeps the last segment without control, quote or bidi characters', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\x\\"a"\u202e<b>.pdf')).toBe('ab.pdf');
    expect(sanitizeFileName('..\u0000')).toBe('file');
    expect([...sanitizeFileName('名'.repeat(300))]).toHaveLength(200);
  });
});
