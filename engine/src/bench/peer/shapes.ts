import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The two process shapes compared; Baton runs the fixtures as drawn (Zeebe flavour). */
export type ShapeName = 'three-user-tasks' | 'parallel-10';

export interface Shape {
  readonly name: ShapeName;
  readonly label: string;
  /** The process id inside the fixture. */
  readonly processId: string;
  /** The fixture as Baton deploys it. */
  readonly batonXml: string;
  /** The same process in plain BPMN for bpmn-engine: no Zeebe extensions, service tasks bound to `services.work`. */
  readonly plainXml: string;
  /** Engine commands (transactions) one instance costs in Baton: start + one per task or job. */
  readonly commandsPerInstance: number;
}

// engine/src/bench/peer and engine/dist/bench/peer are both three levels below engine/.
const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures');

/** bpmn-engine's own expression syntax (not a JavaScript template): the service named `work`. */
const SERVICE_EXPRESSION = ['$', '{environment.services.work}'].join('');

/** Strips what only Zeebe reads and binds service tasks to a service function, as a bpmn-engine user would. */
export function toPlainBpmn(xml: string): string {
  return xml
    .replace(/<bpmn:extensionElements>[\s\S]*?<\/bpmn:extensionElements>/g, '')
    .replace(/<bpmn:serviceTask /g, `<bpmn:serviceTask implementation="${SERVICE_EXPRESSION}" `);
}

function load(name: ShapeName, label: string, commandsPerInstance: number): Shape {
  const batonXml = readFileSync(join(FIXTURES, `${name}.bpmn`), 'utf8');
  return { name, label, processId: name, batonXml, plainXml: toPlainBpmn(batonXml), commandsPerInstance };
}

export function loadShapes(): readonly Shape[] {
  return [
    load('three-user-tasks', '3 sequential user tasks', 4),
    load('parallel-10', 'parallel fan-out of 10 + join', 11),
  ];
}
