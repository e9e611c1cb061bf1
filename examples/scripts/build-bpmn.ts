/**
 * Writes every template's process.bpmn from its spec in scripts/specs/.
 * Run from examples/: `npx tsx scripts/build-bpmn.ts`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildBpmn } from './bpmn/build.js';
import { specs } from './specs/index.js';

for (const spec of specs) {
  const path = fileURLToPath(new URL(`../${spec.id}/process.bpmn`, import.meta.url));
  writeFileSync(path, buildBpmn(spec));
  console.log(`wrote ${spec.id}/process.bpmn`);
}
