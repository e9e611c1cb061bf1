import { describe, expect, it } from 'vitest';
import { ScanFailed, scanBytes } from './scan.js';

const node = (script: string) => [process.execPath, '-e', script];
const READ = "let n=0;process.stdin.on('data',d=>n+=d.length);process.stdin.on('end',()=>";

describe('scanBytes', () => {
  it('is clean on exit 0 and infected on exit 1, after reading the bytes', async () => {
    expect(await scanBytes(node(`${READ}process.exit(n===3?0:2))`), Buffer.from('abc'), 5000)).toBe('clean');
    expect(await scanBytes(node(`${READ}process.exit(1))`), Buffer.from('abc'), 5000)).toBe('infected');
  });

  it('fails on any other exit, a missing program and a scanner that does not answer', async () => {
    await expect(scanBytes(node('process.exit(2)'), Buffer.from('a'), 5000)).rejects.toBeInstanceOf(
      ScanFailed,
    );
    await expect(scanBytes(['/nonexistent/scanner'], Buffer.from('a'), 5000)).rejects.toBeInstanceOf(
      ScanFailed,
    );
    await expect(scanBytes(node('setTimeout(()=>{},60000)'), Buffer.from('a'), 300)).rejects.toThrow(
      /did not answer/,
    );
  });
});
