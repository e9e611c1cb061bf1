import { DmnModdle } from 'dmn-moddle';
import { parseUnaryTests } from 'feelin';
import { evaluateFeel, feelSyntaxError } from '../expressions/feel.js';
import { isBoundedUnaryTests } from '../expressions/feel-cost.js';
import type { DeployIssue } from '../model/types.js';
import {
  AGGREGATIONS,
  type Aggregation,
  type Decision,
  type DecisionGraph,
  type DecisionOutput,
  type DecisionRule,
  type DecisionTable,
  HIT_POLICIES,
  type HitPolicy,
  type InputData,
} from './types.js';
import { type FeelType, parseTypeRef, TYPE_REF_NAMES } from './type-ref.js';

/**
 * `.dmn` XML -> a checked `DecisionGraph`, or every problem of the file, each on the id of the
 * decision, input, output or rule it concerns (never stopping at the first).
 *
 * FEEL is the only expression language: input expressions, output entries and literal
 * expressions parse as FEEL expressions; input entries as FEEL unary tests, which must also be
 * bounded (see `isBoundedUnaryTests`), since a rule is tested in-process for every evaluation.
 * A `typeRef` (on input expressions, outputs, a literal expression's variable, input data) must
 * name a type of `type-ref.ts`; values convert to it when the decision runs.
 */
export async function compileDmn(
  xml: string,
): Promise<{ readonly graph?: DecisionGraph; readonly issues: readonly DeployIssue[] }> {
  const issues: DeployIssue[] = [];
  const add = (elementId: string | undefined, code: DmnIssueCode, message: string) =>
    issues.push({ ...(elementId ? { elementId } : {}), code, message });
  // As for BPMN: the parser does not expand entities, but a DOCTYPE has no place in DMN.
  if (/<!DOCTYPE/i.test(xml)) {
    add(undefined, 'xml.malformed', 'DOCTYPE declarations (and the entities they define) are not allowed');
    return { issues };
  }
  let root: MNode;
  try {
    const parsed = await new DmnModdle().fromXML(xml, 'dmn:Definitions');
    root = parsed.rootElement as unknown as MNode;
    // Content the parser could not read is dropped from the model: say so rather than run without it.
    for (const warning of parsed.warnings) {
      const duplicate = /duplicate ID <([^>]*)>/.exec(warning.message);
      if (duplicate) add(duplicate[1], 'id.duplicate', `the id '${duplicate[1]}' is used more than once`);
      else if (warning.message.startsWith('unparsable content'))
        add(undefined, 'xml.invalid', warning.message.split('\n')[0] ?? warning.message);
    }
  } catch (error) {
    const message = (error as Error).message;
    add(
      undefined,
      'xml.malformed',
      /failed to parse document as/.test(message)
        ? `not a DMN 1.3 file: the root must be <definitions> in the namespace ${DMN13}`
        : `not a DMN 1.3 file: ${message}`,
    );
    return { issues };
  }
  if (root.$type !== 'dmn:Definitions') {
    add(undefined, 'xml.invalid', 'the root element must be a DMN <definitions>');
    return { issues };
  }
  const decisions: Record<string, Decision> = {};
  const nodes = (root.drgElement ?? []).filter((element) => element.$type === 'dmn:Decision');
  if (nodes.length === 0) add(root.id, 'decision.none', 'the file holds no decision');
  const ids = new Set(nodes.map((node) => node.id ?? ''));
  for (const node of nodes) {
    const id = node.id ?? '';
    if (!id) {
      add(undefined, 'decision.invalid', 'a decision has no id');
      continue;
    }
    const requires: string[] = [];
    for (const requirement of node.informationRequirement ?? []) {
      const href = requirement.requiredDecision?.href;
      if (!href) continue;
      const target = href.startsWith('#') ? href.slice(1) : href;
      if (!ids.has(target))
        add(id, 'reference.missing', `requires decision '${target}', which is not in this file`);
      else requires.push(target);
    }
    const logic = node.decisionLogic;
    const context = { id, add };
    // The decision variable's type: a literal expression's value converts to it; a table's
    // values convert by the typeRef of each output, so there it is only checked to be known.
    const variableType = typeRefOf(id, node.variable?.typeRef, add);
    let compiled: Decision['logic'] | undefined;
    if (logic?.$type === 'dmn:DecisionTable') compiled = compileTable(logic, context);
    else if (logic?.$type === 'dmn:LiteralExpression') {
      const expression = text(logic);
      checkLanguage(logic, id, add);
      checkExpression(id, 'literal expression', expression, add);
      const ownType = typeRefOf(id, logic.typeRef, add);
      const typeRef = variableType ?? ownType;
      compiled = { kind: 'literal', expression, ...(typeRef ? { typeRef } : {}) };
    } else
      add(
        id,
        'decision.unsupported',
        logic
          ? `decision logic ${logic.$type} is not supported (decision tables and literal expressions are)`
          : 'has no decision logic (a decision table or a literal expression)',
      );
    if (compiled)
      decisions[id] = {
        id,
        ...(node.name ? { name: node.name } : {}),
        variableName: node.variable?.name?.trim() || id,
        requires,
        logic: compiled,
      };
  }
  const inputData: InputData[] = [];
  for (const node of root.drgElement ?? []) {
    if (node.$type !== 'dmn:InputData') continue;
    const id = node.id ?? '';
    const typeRef = typeRefOf(id || undefined, node.variable?.typeRef, add);
    const name = node.variable?.name?.trim() || node.name?.trim() || '';
    if (typeRef && typeRef !== 'Any' && name) inputData.push({ id, name, typeRef });
  }
  for (const cycle of findCycles(decisions))
    add(cycle[0], 'decision.cycle', `required decisions form a cycle: ${[...cycle, cycle[0]].join(' -> ')}`);
  if (issues.length > 0) return { issues };
  return {
    graph: {
      id: root.id ?? '',
      ...(root.name ? { name: root.name } : {}),
      decisions,
      ...(inputData.length > 0 ? { inputData } : {}),
    },
    issues,
  };
}

const DMN13 = 'https://www.omg.org/spec/DMN/20191111/MODEL/';

/** Stable codes of DMN deploy problems (shown like BPMN ones, on the element id). */
export type DmnIssueCode =
  | 'xml.malformed'
  | 'id.duplicate'
  | 'xml.invalid'
  | 'reference.missing'
  | 'feel.syntax'
  | 'decision.none'
  | 'decision.invalid'
  | 'decision.unsupported'
  | 'decision.cycle';

type Add = (elementId: string | undefined, code: DmnIssueCode, message: string) => void;

/** The parts of dmn-moddle's objects read here. */
interface MNode {
  readonly $type: string;
  readonly id?: string;
  readonly name?: string;
  readonly label?: string;
  readonly text?: string;
  readonly typeRef?: string;
  readonly expressionLanguage?: string;
  readonly hitPolicy?: string;
  readonly aggregation?: string;
  readonly drgElement?: readonly MNode[];
  readonly informationRequirement?: readonly { readonly requiredDecision?: { readonly href?: string } }[];
  readonly decisionLogic?: MNode;
  readonly variable?: { readonly name?: string; readonly typeRef?: string };
  readonly input?: readonly MNode[];
  readonly output?: readonly MNode[];
  readonly rule?: readonly MNode[];
  readonly inputExpression?: MNode;
  readonly outputValues?: MNode;
  readonly inputEntry?: readonly MNode[];
  readonly outputEntry?: readonly MNode[];
}

function compileTable(table: MNode, { id, add }: { id: string; add: Add }): DecisionTable | undefined {
  const hitPolicy = (table.hitPolicy ?? 'UNIQUE') as HitPolicy;
  const before = { count: 0 };
  const problem: Add = (elementId, code, message) => {
    before.count++;
    add(elementId, code, message);
  };
  if (!HIT_POLICIES.includes(hitPolicy))
    problem(id, 'decision.unsupported', `hit policy '${hitPolicy}' is unknown`);
  const aggregation = table.aggregation as Aggregation | undefined;
  if (aggregation !== undefined) {
    if (!AGGREGATIONS.includes(aggregation))
      problem(id, 'decision.unsupported', `aggregation '${aggregation}' is unknown (SUM, MIN, MAX, COUNT)`);
    if (hitPolicy !== 'COLLECT')
      problem(id, 'decision.invalid', `an aggregation (${aggregation}) needs the COLLECT hit policy`);
  }
  const inputs = (table.input ?? []).map((input, index) => {
    const inputId = input.id ?? `${id}.input${index + 1}`;
    const expression = text(input.inputExpression);
    if (input.inputExpression) checkLanguage(input.inputExpression, inputId, problem);
    checkExpression(inputId, 'input expression', expression, problem);
    const typeRef = typeRefOf(inputId, input.inputExpression?.typeRef, problem);
    return {
      id: inputId,
      ...(input.label ? { label: input.label } : {}),
      expression,
      ...(typeRef ? { typeRef } : {}),
    };
  });
  const rawOutputs = table.output ?? [];
  if (rawOutputs.length === 0) problem(id, 'decision.invalid', 'a decision table needs at least one output');
  if (aggregation && rawOutputs.length > 1)
    problem(id, 'decision.invalid', `an aggregation (${aggregation}) needs exactly one output`);
  const outputs: DecisionOutput[] = rawOutputs.map((output, index) => {
    const outputId = output.id ?? `${id}.output${index + 1}`;
    const name = output.name?.trim() ?? '';
    if (!name && rawOutputs.length > 1)
      problem(outputId, 'decision.invalid', 'every output of a table with several outputs needs a name');
    const priorities = outputValues(outputId, output.outputValues, problem);
    const typeRef = typeRefOf(outputId, output.typeRef, problem);
    return {
      id: outputId,
      name: name || outputId,
      ...(priorities ? { priorities } : {}),
      ...(typeRef ? { typeRef } : {}),
    };
  });
  if (
    (hitPolicy === 'PRIORITY' || hitPolicy === 'OUTPUT ORDER') &&
    !outputs.some((output) => output.priorities)
  )
    problem(id, 'decision.invalid', `hit policy ${hitPolicy} needs output values on an output, to order by`);
  const rules: DecisionRule[] = (table.rule ?? []).map((rule, index) => {
    const ruleId = rule.id ?? `${id}.rule${index + 1}`;
    const inputEntries = (rule.inputEntry ?? []).map((entry) => text(entry).trim());
    const outputEntries = (rule.outputEntry ?? []).map((entry) => text(entry).trim());
    if (inputEntries.length !== inputs.length)
      problem(
        ruleId,
        'decision.invalid',
        `has ${inputEntries.length} input entries for ${inputs.length} inputs`,
      );
    if (outputEntries.length !== outputs.length)
      problem(
        ruleId,
        'decision.invalid',
        `has ${outputEntries.length} output entries for ${outputs.length} outputs`,
      );
    for (const entry of rule.inputEntry ?? []) checkLanguage(entry, ruleId, problem);
    for (const entry of inputEntries) checkUnaryTests(ruleId, entry, problem);
    for (const entry of outputEntries)
      if (entry !== '') checkExpression(ruleId, 'output entry', entry, problem);
    return { id: ruleId, inputEntries, outputEntries };
  });
  if (before.count > 0) return undefined;
  return { kind: 'table', hitPolicy, ...(aggregation ? { aggregation } : {}), inputs, outputs, rules };
}

/** Output values (`"high","medium","low"`): literals, as the priority order. */
function outputValues(
  outputId: string,
  values: MNode | undefined,
  add: Add,
): (string | number | boolean | null)[] | undefined {
  const source = text(values).trim();
  if (!source) return undefined;
  try {
    const list = evaluateFeel(`[${source}]`, {}, { now: new Date(0) });
    if (Array.isArray(list) && list.every((v) => v === null || typeof v !== 'object'))
      return list as (string | number | boolean | null)[];
  } catch {
    // reported below
  }
  add(outputId, 'decision.invalid', `output values '${source}' must be a list of literals`);
  return undefined;
}

/** A `typeRef` as its FEEL type (undefined: none, or `Any`); an unknown name is a problem on `id`. */
function typeRefOf(id: string | undefined, raw: string | undefined, add: Add): FeelType | undefined {
  const type = parseTypeRef(raw);
  if (type === null)
    add(
      id,
      'decision.unsupported',
      `typeRef '${raw}' is not a type this engine knows (${TYPE_REF_NAMES.join(', ')})`,
    );
  return type === null || type === 'Any' ? undefined : type;
}

function text(node: MNode | undefined): string {
  return node?.text ?? '';
}

function checkLanguage(node: MNode, id: string, add: Add): void {
  const language = node.expressionLanguage?.trim().toLowerCase();
  if (language && !language.includes('feel'))
    add(
      id,
      'decision.unsupported',
      `expression language '${node.expressionLanguage}' is not supported (FEEL only)`,
    );
}

function checkExpression(id: string, what: string, source: string, add: Add): void {
  const problem = feelSyntaxError(source);
  if (problem) add(id, 'feel.syntax', `${what}: ${problem}`);
}

function checkUnaryTests(id: string, source: string, add: Add): void {
  if (source === '' || source === '-') return;
  let errorAt: number | null = null;
  try {
    parseUnaryTests(source, {}, undefined).iterate({
      enter(node) {
        if (errorAt === null && node.type.isError) errorAt = node.from;
      },
    });
  } catch (error) {
    add(id, 'feel.syntax', `input entry '${source}': ${(error as Error).message}`);
    return;
  }
  if (errorAt !== null)
    add(id, 'feel.syntax', `input entry: syntax error at position ${errorAt + 1} in '${source}'`);
  else if (!isBoundedUnaryTests(source))
    add(
      id,
      'decision.unsupported',
      `input entry '${source}' loops, defines functions or builds lists; input entries must be simple tests`,
    );
}

/** Each cycle among required decisions, once, as the ids along it. */
function findCycles(decisions: Readonly<Record<string, Decision>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): void => {
    const seen = state.get(id);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      cycles.push(path.slice(path.indexOf(id)));
      return;
    }
    state.set(id, 'visiting');
    path.push(id);
    for (const next of decisions[id]?.requires ?? []) visit(next);
    path.pop();
    state.set(id, 'done');
  };
  for (const id of Object.keys(decisions)) visit(id);
  return cycles;
}
