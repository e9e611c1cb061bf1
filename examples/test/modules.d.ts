// bpmn-moddle and bpmnlint ship no types for their entry points; this is the slice the tests use.
declare module 'bpmn-moddle' {
  export interface ModdleParseResult {
    readonly rootElement: unknown;
    readonly warnings: readonly Error[];
    readonly elementsById: Readonly<Record<string, unknown>>;
  }
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string): Promise<ModdleParseResult>;
  }
  const defaultExport: typeof BpmnModdle | undefined;
  export default defaultExport;
}

declare module 'bpmnlint' {
  export class Linter {
    constructor(options: { config: { extends: string }; resolver: unknown });
    lint(
      definitions: unknown,
    ): Promise<Record<string, readonly { id?: string; message: string; category: string }[]>>;
  }
}

declare module 'bpmnlint/lib/resolver/node-resolver.js' {
  const NodeResolver: new () => unknown;
  export default NodeResolver;
}
