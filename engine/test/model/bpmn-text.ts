import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { compileBpmn } from '../../src/model/index.js';
import type { DeployIssue, ProcessModel } from '../../src/model/index.js';

const NAMESPACES = [
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"',
  'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"',
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
].join(' ');

/** A BPMN file with `content` inside `bpmn:definitions`. */
export function definitions(content: string, extraNamespaces = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions ${NAMESPACES} ${extraNamespaces} id="defs" targetNamespace="http://bpmn.io/schema/bpmn">\n${content}\n</bpmn:definitions>`;
}

/** A file with one executable process `p` holding `body`, and `roots` (messages, signals...) beside it. */
export function processFile(body: string, roots = ''): string {
  return definitions(`<bpmn:process id="p" isExecutable="true">\n${body}\n</bpmn:process>\n${roots}`);
}

/** A FEEL or timer value inside a formal expression element. */
export function formal(tag: string, text: string): string {
  return `<bpmn:${tag} xsi:type="bpmn:tFormalExpression">${text}</bpmn:${tag}>`;
}

/** A sequence flow; ids default to `source-target`. */
export function flow(source: string, target: string, extra = '', id = `${source}-${target}`): string {
  return `<bpmn:sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}">${extra}</bpmn:sequenceFlow>`;
}

/** start -> `inner` elements -> end is up to the caller; this just wires ids in a chain. */
export function chain(...ids: string[]): string {
  return ids
    .slice(1)
    .map((id, index) => flow(ids[index] ?? '', id))
    .join('\n');
}

export function readFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

/** The issues of a file, as `elementId code` pairs, for compact assertions. */
export async function issueKeys(xml: string): Promise<string[]> {
  const { issues } = await compileBpmn(xml);
  return issues.map((issue) => `${issue.elementId ?? '-'} ${issue.code}`);
}

export async function issuesOf(xml: string): Promise<readonly DeployIssue[]> {
  return (await compileBpmn(xml)).issues;
}

/** Compiles a file that must be valid and returns its only (or named) process. */
export async function compileValid(xml: string, processId?: string): Promise<ProcessModel> {
  const { processes, issues } = await compileBpmn(xml);
  expect(issues).toEqual([]);
  const process = processId ? processes.find((p) => p.id === processId) : processes[0];
  if (!process) throw new Error(`no process ${processId ?? ''}`);
  return process;
}
