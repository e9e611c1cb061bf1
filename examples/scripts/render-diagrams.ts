/**
 * Renders every template's process.bpmn to docs/templates/<id>.png (and .svg) with bpmn-js in
 * headless Chromium. Run from examples/: `npx tsx scripts/render-diagrams.ts`.
 * Needs Debian's chromium (`apt-get install -y chromium fonts-liberation fonts-noto-cjk`).
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const examplesDir = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(examplesDir, '..', 'docs', 'templates');
const require = createRequire(import.meta.url);
const bpmnJsDir = dirname(require.resolve('bpmn-js/package.json'));

const ids = readdirSync(examplesDir).filter((d) => {
  try {
    return readFileSync(join(examplesDir, d, 'template.json')).length > 0;
  } catch {
    return false;
  }
});

mkdirSync(outDir, { recursive: true });
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'baton-render-')), {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
  ],
  viewport: { width: 2600, height: 1400 },
  deviceScaleFactor: 1,
});
try {
  const page = await browser.newPage();
  for (const id of ids) {
    const xml = readFileSync(join(examplesDir, id, 'process.bpmn'), 'utf8');
    await page.setContent(
      '<html><body style="margin:0;background:#fff"><div id="canvas"></div></body></html>',
    );
    await page.addStyleTag({ path: join(bpmnJsDir, 'dist/assets/diagram-js.css') });
    await page.addStyleTag({ path: join(bpmnJsDir, 'dist/assets/bpmn-js.css') });
    await page.addScriptTag({ path: join(bpmnJsDir, 'dist/bpmn-viewer.production.min.js') });
    const result = await page.evaluate(async (source) => {
      // biome-ignore lint/suspicious/noExplicitAny: runs in the page; this package has no DOM types
      const page = globalThis as any;
      const container = page.document.getElementById('canvas');
      const viewer = new page.BpmnJS({ container });
      const { warnings } = await viewer.importXML(source);
      const canvas = viewer.get('canvas');
      const inner = canvas.viewbox().inner;
      const margin = 20;
      container.style.width = `${Math.ceil(inner.width + 2 * margin)}px`;
      container.style.height = `${Math.ceil(inner.height + 2 * margin)}px`;
      canvas.resized();
      canvas.viewbox({
        x: inner.x - margin,
        y: inner.y - margin,
        width: inner.width + 2 * margin,
        height: inner.height + 2 * margin,
      });
      const { svg } = await viewer.saveSVG();
      return { warnings: warnings.map((w: { message: string }) => w.message), svg };
    }, xml);
    if (result.warnings.length > 0) console.warn(`${id}: ${result.warnings.join('; ')}`);
    writeFileSync(join(outDir, `${id}.svg`), result.svg);
    await page.locator('#canvas').screenshot({ path: join(outDir, `${id}.png`) });
    console.log(`rendered docs/templates/${id}.png`);
  }
} finally {
  await browser.close();
}
