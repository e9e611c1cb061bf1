import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';
import { afterAll, describe, expect, it } from 'vitest';

const SOURCE = fileURLToPath(new URL('../src', import.meta.url));

/** The import cycles among the TypeScript files under a directory (type-only imports count too). */
async function cyclesIn(dir: string): Promise<string[][]> {
  const result = await madge(dir, { fileExtensions: ['ts'] });
  return result.circular();
}

describe('import cycles', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('finds none in the engine source, so every module can be read and tested on its own', async () => {
    // given the engine's source  // when its import graph is walked
    const cycles = await cyclesIn(SOURCE);
    // then no file reaches itself again
    expect(cycles).toEqual([]);
  });

  it('would report a circle of two files, including one made of a type-only import', async () => {
    // given two modules that import each other, one of them only for a type
    const dir = mkdtempSync(join(tmpdir(), 'baton-cycles-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport interface A { b: typeof b }\n");
    writeFileSync(join(dir, 'b.ts'), "import type { A } from './a.js';\nexport const b = (a: A) => a;\n");
    // when / then
    expect(await cyclesIn(dir)).toEqual([['a.ts', 'b.ts']]);
  });
});
