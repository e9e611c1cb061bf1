// bpmn-moddle ships no types for its entry point; this is the slice the model layer uses.
declare module 'bpmn-moddle' {
  export interface ModdleWarning extends Error {
    readonly element?: { readonly $type: string; readonly id?: string };
    readonly property?: string;
    readonly value?: unknown;
  }

  export interface ModdleParseResult {
    readonly rootElement: unknown;
    readonly warnings: readonly ModdleWarning[];
    readonly elementsById: Readonly<Record<string, unknown>>;
  }

  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string, options?: Record<string, unknown>): Promise<ModdleParseResult>;
  }
}
