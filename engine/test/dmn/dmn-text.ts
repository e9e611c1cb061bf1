/** Builds small DMN 1.3 files for tests, the way Camunda Modeler writes them. */

export interface TableSpec {
  readonly id: string;
  readonly hitPolicy?: string;
  readonly aggregation?: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly { readonly name: string; readonly values?: string }[];
  /** Per rule: input entries (`when`) and output entries (`out`). */
  readonly rules: readonly {
    readonly id: string;
    readonly when: readonly string[];
    readonly out: readonly string[];
  }[];
  readonly requires?: readonly string[];
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function table(spec: TableSpec): string {
  const hit = spec.hitPolicy ? ` hitPolicy="${spec.hitPolicy}"` : '';
  const agg = spec.aggregation ? ` aggregation="${spec.aggregation}"` : '';
  return `<decision id="${spec.id}" name="${spec.id} decision">${requirements(spec.requires)}
    <decisionTable id="${spec.id}_table"${hit}${agg}>
      ${spec.inputs
        .map(
          (input, i) =>
            `<input id="${spec.id}_in${i + 1}" label="${esc(input)}"><inputExpression id="${spec.id}_ie${i + 1}" typeRef="string"><text>${esc(input)}</text></inputExpression></input>`,
        )
        .join('\n')}
      ${spec.outputs
        .map(
          (output, i) =>
            `<output id="${spec.id}_out${i + 1}" name="${output.name}" typeRef="string">${
              output.values
                ? `<outputValues id="${spec.id}_ov${i + 1}"><text>${esc(output.values)}</text></outputValues>`
                : ''
            }</output>`,
        )
        .join('\n')}
      ${spec.rules
        .map(
          (rule) =>
            `<rule id="${rule.id}">${rule.when
              .map((w, i) => `<inputEntry id="${rule.id}_i${i}"><text>${esc(w)}</text></inputEntry>`)
              .join('')}${rule.out
              .map((t, i) => `<outputEntry id="${rule.id}_o${i}"><text>${esc(t)}</text></outputEntry>`)
              .join('')}</rule>`,
        )
        .join('\n')}
    </decisionTable>
  </decision>`;
}

export function literal(
  id: string,
  expression: string,
  options: { variable?: string; requires?: readonly string[] } = {},
): string {
  return `<decision id="${id}" name="${id}">${requirements(options.requires)}
    ${options.variable ? `<variable id="${id}_var" name="${options.variable}" />` : ''}
    <literalExpression id="${id}_expr"><text>${esc(expression)}</text></literalExpression>
  </decision>`;
}

function requirements(requires: readonly string[] = []): string {
  return requires
    .map(
      (r, i) =>
        `<informationRequirement id="req_${r}_${i}"><requiredDecision href="#${r}" /></informationRequirement>`,
    )
    .join('');
}

export function dmn(id: string, ...decisions: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="${id}" name="${id}" namespace="http://camunda.org/schema/1.0/dmn">
  ${decisions.join('\n')}
</definitions>`;
}
