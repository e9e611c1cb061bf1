/**
 * The oldest Node.js Baton runs on; the root package.json `engines` field says the same (a test
 * keeps them equal). 20.19 is the first 20.x that `require()`s ES modules without a flag, which
 * `@fastify/static` 10 needs.
 */
export const MINIMUM_NODE = '20.19.0';

function parse(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);
  return [major, minor, patch];
}

/** A message for the person starting Baton when `version` is too old, else null. */
export function nodeVersionProblem(version: string): string | null {
  const have = parse(version);
  const need = parse(MINIMUM_NODE);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) > (need[i] ?? 0)) return null;
    if ((have[i] ?? 0) < (need[i] ?? 0))
      return `Baton needs Node.js ${MINIMUM_NODE} or newer; this is Node.js ${version.replace(/^v/, '')}. Install a current Node.js (22 or 24) and start again.`;
  }
  return null;
}
