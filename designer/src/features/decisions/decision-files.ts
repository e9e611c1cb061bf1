/** A new DMN 1.3 file with one decision table (one input, one output, no rules yet). */
export function blankDecisionFile(): string {
  const suffix = Math.random().toString(36).slice(2, 9);
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" id="Definitions_${suffix}" name="Decisions" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="Decision_${suffix}" name="Decision 1">
    <decisionTable id="DecisionTable_${suffix}">
      <input id="Input_${suffix}" label="Input">
        <inputExpression id="InputExpression_${suffix}" typeRef="string">
          <text>input</text>
        </inputExpression>
      </input>
      <output id="Output_${suffix}" label="Result" name="result" typeRef="string" />
    </decisionTable>
  </decision>
  <dmndi:DMNDI>
    <dmndi:DMNDiagram id="DMNDiagram_${suffix}">
      <dmndi:DMNShape id="DMNShape_${suffix}" dmnElementRef="Decision_${suffix}">
        <dc:Bounds height="80" width="180" x="160" y="100" />
      </dmndi:DMNShape>
    </dmndi:DMNDiagram>
  </dmndi:DMNDI>
</definitions>
`;
}

/** A file picked for import, handed from the list page to the editor. */
let pendingImport: string | undefined;

export function storeImport(xml: string): void {
  pendingImport = xml;
}

export function takeImport(): string | undefined {
  const xml = pendingImport;
  pendingImport = undefined;
  return xml;
}
