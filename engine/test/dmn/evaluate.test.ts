import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileDmn } from '../../src/dmn/compile.js';
import { evaluateDecision } from '../../src/dmn/evaluate.js';
import type { DecisionGraph } from '../../src/dmn/types.js';
import type { Variables } from '../../src/runtime/types.js';
import { dmn, literal, type TableSpec, table } from './dmn-text.js';

const now = new Date('2026-03-02T08:00:00.000Z');

async function graphOf(xml: string): Promise<DecisionGraph> {
  const { graph, issues } = await compileDmn(xml);
  if (!graph) throw new Error(JSON.stringify(issues));
  return graph;
}

async function evaluate(spec: TableSpec, variables: Variables) {
  const graph = await graphOf(dmn('drg', table(spec)));
  return evaluateDecision(graph, spec.id, variables, { now });
}

// The dish example of the DMN specification and Camunda's docs: the season and the number of guests.
const dish = (hitPolicy?: string): TableSpec => ({
  id: 'dish',
  ...(hitPolicy ? { hitPolicy } : {}),
  inputs: ['season', 'guestCount'],
  outputs: [{ name: 'dish' }],
  rules: [
    { id: 'fall', when: ['"Fall"', '<= 8'], out: ['"Spareribs"'] },
    { id: 'winter', when: ['"Winter"', '<= 8'], out: ['"Roastbeef"'] },
    { id: 'spring', when: ['"Spring"', '<= 4'], out: ['"Dry Aged Gourmet Steak"'] },
    { id: 'springMore', when: ['"Spring"', '[5..8]'], out: ['"Steak"'] },
    { id: 'many', when: ['"Fall","Winter","Spring"', '> 8'], out: ['"Stew"'] },
    { id: 'summer', when: ['"Summer"', '-'], out: ['"Light Salad and a nice Steak"'] },
  ],
});

describe('decision tables', () => {
  it('gives the output of the one matching rule under UNIQUE, the default hit policy', async () => {
    // given the dish table without a hit policy
    // when
    const spring = await evaluate(dish(), { season: 'Spring', guestCount: 6 });
    const summer = await evaluate(dish(), { season: 'Summer', guestCount: 30 });
    // then
    expect(spring.result).toBe('Steak');
    expect(spring.evaluations[0]?.matchedRuleIds).toEqual(['springMore']);
    expect(summer.result).toBe('Light Salad and a nice Steak');
  });

  it('gives null when no rule matches a single-hit table', async () => {
    const result = await evaluate(dish('UNIQUE'), { season: 'Monsoon', guestCount: 2 });
    expect(result.result).toBeNull();
    expect(result.evaluations[0]?.matchedRuleIds).toEqual([]);
  });

  it('fails under UNIQUE when two rules match, naming them', async () => {
    const spec: TableSpec = {
      id: 'overlap',
      inputs: ['amount'],
      outputs: [{ name: 'level' }],
      rules: [
        { id: 'low', when: ['< 100'], out: ['"low"'] },
        { id: 'small', when: ['< 50'], out: ['"small"'] },
      ],
    };
    await expect(evaluate(spec, { amount: 10 })).rejects.toThrow(/UNIQUE.*2 matched: low, small/);
    await expect(evaluate(spec, { amount: 70 })).resolves.toMatchObject({ result: 'low' });
  });

  it('takes the first matching rule in rule order under FIRST', async () => {
    const spec: TableSpec = {
      id: 'discount',
      hitPolicy: 'FIRST',
      inputs: ['customer', 'orderSize'],
      outputs: [{ name: 'discount' }],
      rules: [
        { id: 'gold', when: ['"gold"', '>= 10'], out: ['0.15'] },
        { id: 'goldSmall', when: ['"gold"', '-'], out: ['0.1'] },
        { id: 'anyone', when: ['-', '-'], out: ['0'] },
      ],
    };
    const gold = await evaluate(spec, { customer: 'gold', orderSize: 12 });
    expect(gold.result).toBe(0.15);
    expect(gold.evaluations[0]?.matchedRuleIds).toEqual(['gold']);
    expect((await evaluate(spec, { customer: 'silver', orderSize: 12 })).result).toBe(0);
  });

  it('takes the output ranked highest in the output values under PRIORITY, whatever the rule order', async () => {
    const spec: TableSpec = {
      id: 'risk',
      hitPolicy: 'PRIORITY',
      inputs: ['age', 'debts'],
      outputs: [{ name: 'rating', values: '"decline","refer","accept"' }],
      rules: [
        { id: 'ok', when: ['>= 18', '-'], out: ['"accept"'] },
        { id: 'young', when: ['< 25', '-'], out: ['"refer"'] },
        { id: 'debt', when: ['-', '> 10000'], out: ['"decline"'] },
      ],
    };
    const declined = await evaluate(spec, { age: 20, debts: 20000 });
    expect(declined.result).toBe('decline');
    expect(declined.evaluations[0]?.matchedRuleIds).toEqual(['debt']);
    expect((await evaluate(spec, { age: 20, debts: 0 })).result).toBe('refer');
    expect((await evaluate(spec, { age: 40, debts: 0 })).result).toBe('accept');
  });

  it('accepts overlapping rules with equal outputs under ANY and fails when they differ', async () => {
    const spec: TableSpec = {
      id: 'eligible',
      hitPolicy: 'ANY',
      inputs: ['age', 'member'],
      outputs: [{ name: 'eligible' }],
      rules: [
        { id: 'adult', when: ['>= 18', '-'], out: ['true'] },
        { id: 'member', when: ['-', 'true'], out: ['true'] },
        { id: 'child', when: ['< 12', 'false'], out: ['false'] },
        { id: 'childMember', when: ['< 12', 'true'], out: ['false'] },
      ],
    };
    expect((await evaluate(spec, { age: 30, member: true })).result).toBe(true);
    expect((await evaluate(spec, { age: 8, member: false })).result).toBe(false);
    await expect(evaluate(spec, { age: 8, member: true })).rejects.toThrow(/ANY.*member, childMember differ/);
  });

  const fees: TableSpec = {
    id: 'fees',
    hitPolicy: 'COLLECT',
    inputs: ['amount', 'express'],
    outputs: [{ name: 'fee' }],
    rules: [
      { id: 'base', when: ['-', '-'], out: ['5'] },
      { id: 'large', when: ['> 1000', '-'], out: ['amount * 0.01'] },
      { id: 'express', when: ['-', 'true'], out: ['20'] },
    ],
  };

  it('collects the outputs of every matching rule as a list under COLLECT', async () => {
    const result = await evaluate(fees, { amount: 2000, express: true });
    expect(result.result).toEqual([5, 20, 20]);
    expect(result.evaluations[0]?.matchedRuleIds).toEqual(['base', 'large', 'express']);
    expect((await evaluate(fees, { amount: 10, express: false })).result).toEqual([5]);
  });

  it.each([
    ['SUM', 45, null],
    ['MIN', 5, null],
    ['MAX', 20, null],
    ['COUNT', 3, 0],
  ] as const)('aggregates the collected outputs with %s', async (aggregation, all, none) => {
    const spec = { ...fees, aggregation };
    expect((await evaluate(spec, { amount: 2000, express: true })).result).toBe(all);
    const nothing = { ...spec, rules: spec.rules.filter((rule) => rule.id === 'express') };
    expect((await evaluate(nothing, { amount: 1, express: false })).result).toBe(none);
  });

  it('lists the outputs in rule order under RULE ORDER and by output values under OUTPUT ORDER', async () => {
    const spec: TableSpec = {
      id: 'advice',
      hitPolicy: 'RULE ORDER',
      inputs: ['score'],
      outputs: [{ name: 'advice', values: '"stop","check","go"' }],
      rules: [
        { id: 'go', when: ['> 10'], out: ['"go"'] },
        { id: 'check', when: ['> 50'], out: ['"check"'] },
        { id: 'stop', when: ['> 90'], out: ['"stop"'] },
      ],
    };
    expect((await evaluate(spec, { score: 95 })).result).toEqual(['go', 'check', 'stop']);
    const ordered = await evaluate({ ...spec, hitPolicy: 'OUTPUT ORDER' }, { score: 95 });
    expect(ordered.result).toEqual(['stop', 'check', 'go']);
    expect(ordered.evaluations[0]?.matchedRuleIds).toEqual(['stop', 'check', 'go']);
  });

  it('gives a context per rule when the table has several outputs', async () => {
    const spec: TableSpec = {
      id: 'route',
      hitPolicy: 'RULE ORDER',
      inputs: ['amount'],
      outputs: [{ name: 'group' }, { name: 'urgent' }],
      rules: [
        { id: 'small', when: ['< 1000'], out: ['"clerks"', 'false'] },
        { id: 'big', when: ['>= 1000'], out: ['"managers"', 'amount > 5000'] },
      ],
    };
    expect((await evaluate(spec, { amount: 9000 })).result).toEqual([{ group: 'managers', urgent: true }]);
    const single = await evaluate({ ...spec, hitPolicy: 'UNIQUE' }, { amount: 10 });
    expect(single.result).toEqual({ group: 'clerks', urgent: false });
  });

  it('tests input values with FEEL unary tests: lists, ranges, negation and ? comparisons with variables', async () => {
    const spec: TableSpec = {
      id: 'tests',
      hitPolicy: 'RULE ORDER',
      inputs: ['code', 'amount'],
      outputs: [{ name: 'hit' }],
      rules: [
        { id: 'list', when: ['"A","B"', '-'], out: ['"list"'] },
        { id: 'not', when: ['not("A","B")', '-'], out: ['"not"'] },
        { id: 'range', when: ['-', '[10..20)'], out: ['"range"'] },
        { id: 'question', when: ['-', '? > limit'], out: ['"over limit"'] },
      ],
    };
    expect((await evaluate(spec, { code: 'B', amount: 10, limit: 5 })).result).toEqual([
      'list',
      'range',
      'over limit',
    ]);
    expect((await evaluate(spec, { code: 'C', amount: 20, limit: 50 })).result).toEqual(['not']);
  });
});

describe('literal expressions and required decisions', () => {
  it('evaluates a literal expression decision', async () => {
    const graph = await graphOf(dmn('drg', literal('greeting', '"Hello " + name')));
    expect(evaluateDecision(graph, 'greeting', { name: 'Ada' }, { now }).result).toBe('Hello Ada');
  });

  it('evaluates required decisions first, and hands their results over by variable name and id', async () => {
    // given: dish requires season (a literal with a variable) and guests (a table)
    const xml = dmn(
      'drg',
      literal('season', 'if month >= 3 and month <= 5 then "Spring" else "Winter"', {
        variable: 'theSeason',
      }),
      table({
        id: 'guests',
        inputs: ['invited'],
        outputs: [{ name: 'size' }],
        rules: [
          { id: 'few', when: ['<= 4'], out: ['"few"'] },
          { id: 'lots', when: ['> 4'], out: ['"lots"'] },
        ],
      }),
      table({
        id: 'menu',
        requires: ['season', 'guests'],
        inputs: ['theSeason', 'guests'],
        outputs: [{ name: 'dish' }],
        rules: [
          { id: 'springFew', when: ['"Spring"', '"few"'], out: ['"Asparagus"'] },
          { id: 'other', when: ['-', '-'], out: ['"Stew"'] },
        ],
        hitPolicy: 'FIRST',
      }),
    );
    const graph = await graphOf(xml);
    // when
    const result = evaluateDecision(graph, 'menu', { month: 4, invited: 3 }, { now });
    // then
    expect(result.result).toBe('Asparagus');
    expect(result.evaluations.map((e) => [e.decisionId, e.result])).toEqual([
      ['season', 'Spring'],
      ['guests', 'few'],
      ['menu', 'Asparagus'],
    ]);
    expect(result.evaluations[2]?.matchedRuleIds).toEqual(['springFew']);
  });

  it('fails with the decision id when a required decision cannot be evaluated', async () => {
    // given: a COLLECT SUM over text, which the dependent decision needs
    const xml = dmn(
      'drg',
      table({
        id: 'total',
        hitPolicy: 'COLLECT',
        aggregation: 'SUM',
        inputs: ['x'],
        outputs: [{ name: 'y' }],
        rules: [{ id: 'text', when: ['-'], out: ['"ten"'] }],
      }),
      literal('report', 'total * 2', { requires: ['total'] }),
    );
    const graph = await graphOf(xml);
    expect(() => evaluateDecision(graph, 'report', { x: 1 }, { now })).toThrow(
      /decision 'total': aggregation SUM needs numbers/,
    );
  });
});

describe('files from Camunda Modeler', () => {
  it('runs a decision requirements diagram as the modeler saves it, diagram and all', async () => {
    // given a DRD saved by Camunda Modeler (DMN 1.3 with DMNDI), an empty input entry among its rules
    const graph = await graphOf(readFileSync(new URL('./modeler-drd.dmn', import.meta.url), 'utf8'));
    // when / then
    expect(evaluateDecision(graph, 'Decision_dish', { month: 10 }, { now }).result).toBe('Spareribs');
    const other = evaluateDecision(graph, 'Decision_dish', { month: 1 }, { now });
    expect(other.result).toBe('Stew');
    expect(other.evaluations.map((e) => e.decisionId)).toEqual(['Decision_season', 'Decision_dish']);
  });
});

describe('deploy problems of a DMN file', () => {
  it('reports bad FEEL on the input, rule or decision it sits in', async () => {
    const xml = dmn(
      'drg',
      table({
        id: 'broken',
        inputs: ['amount +'],
        outputs: [{ name: 'x' }],
        rules: [{ id: 'r1', when: ['>= '], out: ['"a" +'] }],
      }),
      literal('lit', 'if then'),
    );
    const { graph, issues } = await compileDmn(xml);
    expect(graph).toBeUndefined();
    expect(issues.map((i) => [i.elementId, i.code])).toEqual([
      ['broken_in1', 'feel.syntax'],
      ['r1', 'feel.syntax'],
      ['r1', 'feel.syntax'],
      ['lit', 'feel.syntax'],
    ]);
  });

  it('reports a required decision that is not in the file, and a cycle of required decisions', async () => {
    const xml = dmn(
      'drg',
      literal('a', 'b', { requires: ['b'] }),
      literal('b', 'a', { requires: ['a'] }),
      literal('c', '1', { requires: ['nowhere'] }),
    );
    const { issues } = await compileDmn(xml);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ elementId: 'c', code: 'reference.missing' }),
        expect.objectContaining({
          elementId: 'a',
          code: 'decision.cycle',
          message: expect.stringContaining('a -> b -> a'),
        }),
      ]),
    );
    expect(issues).toHaveLength(2);
  });

  it('reports an aggregation without COLLECT, PRIORITY without output values, and rules of the wrong width', async () => {
    const xml = dmn(
      'drg',
      table({
        id: 'agg',
        hitPolicy: 'FIRST',
        aggregation: 'SUM',
        inputs: ['x'],
        outputs: [{ name: 'y' }],
        rules: [],
      }),
      table({ id: 'prio', hitPolicy: 'PRIORITY', inputs: ['x'], outputs: [{ name: 'y' }], rules: [] }),
      table({
        id: 'wide',
        inputs: ['x'],
        outputs: [{ name: 'y' }],
        rules: [{ id: 'w1', when: ['1', '2'], out: ['3'] }],
      }),
    );
    const { issues } = await compileDmn(xml);
    expect(issues.map((i) => [i.elementId, i.code])).toEqual([
      ['agg', 'decision.invalid'],
      ['prio', 'decision.invalid'],
      ['w1', 'decision.invalid'],
    ]);
  });

  it('refuses input entries that loop, and files that are not DMN', async () => {
    const looping = dmn(
      'drg',
      table({
        id: 't',
        inputs: ['x'],
        outputs: [{ name: 'y' }],
        rules: [{ id: 'loop', when: ['some i in 1..100000 satisfies ? = i'], out: ['1'] }],
      }),
    );
    expect((await compileDmn(looping)).issues).toEqual([expect.objectContaining({ elementId: 'loop' })]);
    expect((await compileDmn('<nope')).issues[0]?.code).toBe('xml.malformed');
    // a DMN 1.1 file (Camunda 7's namespace) is named as such
    const older =
      '<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd" id="d"><decision id="x" /></definitions>';
    expect((await compileDmn(older)).issues[0]?.message).toMatch(
      /namespace https:\/\/www\.omg\.org\/spec\/DMN\/20191111\/MODEL\//,
    );
  });

  it('reports a decision id used twice, and decision logic it does not run', async () => {
    const xml = dmn(
      'drg',
      literal('twice', '1'),
      literal('twice', '2'),
      '<decision id="ctx"><context id="c" /></decision>',
    );
    expect((await compileDmn(xml)).issues.map((i) => [i.elementId, i.code])).toEqual([
      ['twice', 'id.duplicate'],
      ['ctx', 'decision.unsupported'],
    ]);
  });
});

describe('typeRef: values convert to the FEEL type they declare', () => {
  const typedInput = (id: string, typeRef: string, expression: string) =>
    `<input id="${id}"><inputExpression id="${id}_expr" typeRef="${typeRef}"><text>${expression}</text></inputExpression></input>`;
  const rule = (id: string, when: readonly string[], out: string) =>
    `<rule id="${id}">${when.map((w, i) => `<inputEntry id="${id}_i${i}"><text>${w.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</text></inputEntry>`).join('')}<outputEntry id="${id}_o"><text>${out}</text></outputEntry></rule>`;
  // One input per type; each rule tests one of them, the others '-'; COLLECT lists every rule that held.
  const types: readonly [string, string, string, string][] = [
    ['d', 'date', 'due', '> date("2026-01-01")'],
    ['t', 'time', 'at', '[time("09:00:00")..time("17:00:00")]'],
    ['dt', 'dateTime', 'stamp', '< date and time("2026-03-01T00:00:00Z")'],
    ['dt2', 'date and time', 'stamp', '>= date and time("2026-02-01T00:00:00Z")'],
    ['dtd', 'dayTimeDuration', 'wait', '> duration("PT36H")'],
    ['dtd2', 'days and time duration', 'wait', '< duration("P3D")'],
    ['ymd', 'yearMonthDuration', 'tenure', '>= duration("P1Y")'],
    ['ymd2', 'years and months duration', 'tenure', '< duration("P2Y")'],
    ['n', 'number', 'amount', '> 100'],
    ['b', 'boolean', 'vip', 'true'],
    ['s', 'string', 'amount', '"150"'],
    ['f', 'feel:number', 'amount', '[100..200]'],
  ];
  const typedTable = dmn(
    'typed',
    `<decision id="checks" name="checks"><decisionTable id="checks_table" hitPolicy="COLLECT">
      ${types.map(([id, typeRef, expression]) => typedInput(id, typeRef, expression)).join('\n')}
      <output id="which" name="which" typeRef="string" />
      ${types
        .map(([id, , , test], index) =>
          rule(
            `r_${id}`,
            types.map((_, i) => (i === index ? test : '-')),
            `"${id}"`,
          ),
        )
        .join('\n')}
    </decisionTable></decision>`,
  );

  it('converts each input to its type before the unary tests run, dates, times and durations included', async () => {
    // given a table whose inputs declare every type Camunda 8 lists, and variables as JSON holds them
    const graph = await graphOf(typedTable);
    const variables: Variables = {
      due: '2026-02-15',
      at: '10:30:00',
      stamp: '2026-02-10T08:00:00Z',
      wait: 'P2D',
      tenure: 'P18M',
      amount: '150',
      vip: 'true',
    };
    // when
    const matched = evaluateDecision(graph, 'checks', variables, { now });
    // then every test held on the converted value (the string input kept "150" as given)
    expect(matched.result).toEqual(['d', 't', 'dt', 'dt2', 'dtd', 'dtd2', 'ymd', 'ymd2', 'n', 'b', 's', 'f']);
    // and values on the other side of every test match no rule
    const other = evaluateDecision(
      graph,
      'checks',
      {
        due: '2025-12-31',
        at: '18:00:00',
        stamp: '2026-01-10T08:00:00Z',
        wait: 'PT1H',
        tenure: 'P3Y',
        amount: 99,
        vip: false,
      },
      { now },
    );
    expect(other.result).toEqual(['dt', 'dtd2', 'ymd']);
  });

  it('keeps any value as it is under string, the type Camunda Modeler writes on every new column', async () => {
    // given a table whose input (a context) and output (a list) are typed string, as the Modeler leaves them
    const graph = await graphOf(
      dmn(
        'defaults',
        `<decision id="big" name="big"><decisionTable id="big_table">
          <input id="o_in"><inputExpression id="o_in_expr" typeRef="string"><text>order</text></inputExpression></input>
          <output id="o_out" name="tags" typeRef="string" />
          <rule id="o_r"><inputEntry id="o_r_i"><text>?.total &gt; 100</text></inputEntry><outputEntry id="o_r_o"><text>["big", order.total]</text></outputEntry></rule>
        </decisionTable></decision>`,
      ),
    );
    // when / then the context is tested as a context and the list comes back as a list
    expect(evaluateDecision(graph, 'big', { order: { total: 150 } }, { now }).result).toEqual(['big', 150]);
  });

  it('leaves a null input null, so it matches only - and null tests', async () => {
    const graph = await graphOf(typedTable);
    expect(evaluateDecision(graph, 'checks', {}, { now }).result).toEqual([]);
  });

  it('fails with the input id when a value does not convert to its type', async () => {
    const graph = await graphOf(typedTable);
    const fails = (variables: Variables) => () => evaluateDecision(graph, 'checks', variables, { now });
    expect(fails({ due: 'soon' })).toThrow(
      /decision 'checks': input 'd' \(typeRef date\): cannot convert string "soon" to a date/,
    );
    expect(fails({ at: '25:00:00' })).toThrow(/input 't' \(typeRef time\)/);
    expect(fails({ stamp: 17 })).toThrow(/input 'dt' \(typeRef dateTime\): cannot convert number 17/);
    expect(fails({ wait: 'P1Y' })).toThrow(/input 'dtd' \(typeRef dayTimeDuration\)/);
    expect(fails({ tenure: 'P1D' })).toThrow(/input 'ymd' \(typeRef yearMonthDuration\)/);
    expect(fails({ amount: 'lots' })).toThrow(
      /input 'n' \(typeRef number\): cannot convert string "lots" to a number/,
    );
    expect(fails({ vip: 'yes' })).toThrow(/input 'b' \(typeRef boolean\)/);
    expect(fails({ amount: [1] })).toThrow(/input 'n' \(typeRef number\): cannot convert a list/);
  });

  it('converts outputs and literal expressions to their type, handing temporal values back as ISO strings', async () => {
    // given an output typed date computed with FEEL date arithmetic, one typed number given a string,
    // and a literal expression whose variable is a days and time duration
    const graph = await graphOf(
      dmn(
        'out',
        `<decision id="plan" name="plan"><decisionTable id="plan_table">
          <input id="p_in"><inputExpression id="p_in_expr" typeRef="date"><text>start</text></inputExpression></input>
          <output id="p_due" name="due" typeRef="date" />
          <output id="p_days" name="days" typeRef="number" />
          <output id="p_at" name="at" typeRef="dateTime" />
          <rule id="p_r"><inputEntry id="p_r_i"><text>-</text></inputEntry>
            <outputEntry id="p_r_o1"><text>date(start) + duration("P10D")</text></outputEntry>
            <outputEntry id="p_r_o2"><text>"10"</text></outputEntry>
            <outputEntry id="p_r_o3"><text>"2026-05-01T09:00:00Z"</text></outputEntry></rule>
        </decisionTable></decision>
        <decision id="grace" name="grace"><variable id="grace_var" name="grace" typeRef="dayTimeDuration" />
          <literalExpression id="grace_expr"><text>"P1DT12H"</text></literalExpression></decision>
        <decision id="bad" name="bad"><variable id="bad_var" name="bad" typeRef="number" />
          <literalExpression id="bad_expr"><text>"ten"</text></literalExpression></decision>`,
      ),
    );
    // when / then
    expect(evaluateDecision(graph, 'plan', { start: '2026-04-25' }, { now }).result).toEqual({
      due: '2026-05-05',
      days: 10,
      at: '2026-05-01T09:00:00Z',
    });
    expect(evaluateDecision(graph, 'grace', {}, { now }).result).toBe('P1DT12H');
    expect(() => evaluateDecision(graph, 'bad', {}, { now })).toThrow(
      /decision 'bad': decision 'bad' \(typeRef number\): cannot convert string "ten" to a number/,
    );
  });

  it('names the output and rule when a rule gives a value its output type does not take', async () => {
    const graph = await graphOf(
      dmn(
        'out',
        `<decision id="when" name="when"><decisionTable id="when_table">
          <input id="w_in"><inputExpression id="w_in_expr"><text>x</text></inputExpression></input>
          <output id="w_out" name="when" typeRef="date" />
          <rule id="w_r"><inputEntry id="w_r_i"><text>-</text></inputEntry><outputEntry id="w_r_o"><text>"tomorrow"</text></outputEntry></rule>
        </decisionTable></decision>`,
      ),
    );
    expect(() => evaluateDecision(graph, 'when', { x: 1 }, { now })).toThrow(
      /output 'w_out' of rule 'w_r' \(typeRef date\): cannot convert string "tomorrow"/,
    );
  });

  it('converts the variable of a typed input data element before any decision sees it', async () => {
    const graph = await graphOf(
      dmn(
        'data',
        `<inputData id="startData" name="Start"><variable id="startVar" name="start" typeRef="date" /></inputData>
        <decision id="early" name="early"><informationRequirement id="ir"><requiredInput href="#startData" /></informationRequirement>
          <literalExpression id="early_expr"><text>start &lt; date("2026-01-01")</text></literalExpression></decision>`,
      ),
    );
    expect(evaluateDecision(graph, 'early', { start: '2025-06-01' }, { now }).result).toBe(true);
    expect(evaluateDecision(graph, 'early', { start: '2026-06-01' }, { now }).result).toBe(false);
    expect(() => evaluateDecision(graph, 'early', { start: 'June' }, { now })).toThrow(
      /input data 'startData' \(start\) \(typeRef date\)/,
    );
  });

  it('reports a typeRef it does not know on the input, output, decision or input data', async () => {
    const xml = dmn(
      'unknown',
      `<inputData id="someData" name="some"><variable id="someVar" name="some" typeRef="tMoney" /></inputData>
      <decision id="tbl" name="tbl"><decisionTable id="tbl_table">
        <input id="tbl_in"><inputExpression id="tbl_in_expr" typeRef="integer"><text>x</text></inputExpression></input>
        <output id="tbl_out" name="y" typeRef="double" />
      </decisionTable></decision>
      <decision id="lit" name="lit"><variable id="lit_var" name="lit" typeRef="list" />
        <literalExpression id="lit_expr"><text>1</text></literalExpression></decision>`,
    );
    const { graph, issues } = await compileDmn(xml);
    expect(graph).toBeUndefined();
    expect(issues.map((i) => [i.elementId, i.code])).toEqual([
      ['tbl_in', 'decision.unsupported'],
      ['tbl_out', 'decision.unsupported'],
      ['lit', 'decision.unsupported'],
      ['someData', 'decision.unsupported'],
    ]);
    expect(issues[0]?.message).toMatch(/typeRef 'integer' is not a type this engine knows \(number, string/);
  });
});
