/**
 * bpmnlint rule `baton/gateway-conditions`: an exclusive or inclusive gateway that splits the flow
 * needs a condition on every outgoing flow but its default one. bpmnlint's own `conditional-flows`
 * looks only at gateways that already have a condition or a default, so a split with none at all
 * passed the browser check and failed only at deploy; the engine rejects it the same way.
 */
interface Node {
  $type: string;
  id: string;
  default?: { id: string } | null;
  outgoing?: { id: string; conditionExpression?: unknown }[];
}

interface Reporter {
  report(id: string, message: string): void;
}

export const GATEWAY_CONDITIONS_RULE = 'baton/gateway-conditions';
export const GATEWAY_CONDITIONS_MESSAGE = 'Flows out of this gateway need a condition (or one default flow)';

const splitting = new Set(['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway']);

export default function gatewayConditions() {
  return {
    check(node: Node, reporter: Reporter) {
      if (!splitting.has(node.$type)) return;
      const outgoing = node.outgoing ?? [];
      if (outgoing.length < 2) return;
      const missing = outgoing.some((flow) => !flow.conditionExpression && flow.id !== node.default?.id);
      if (missing) reporter.report(node.id, GATEWAY_CONDITIONS_MESSAGE);
    },
  };
}
