// dmn-moddle ships no types for its entry point; this is the slice the decision compiler uses.
declare module 'dmn-moddle' {
  export interface DmnParseResult {
    readonly rootElement: unknown;
    readonly warnings: readonly Error[];
  }

  export class DmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string, options?: Record<string, unknown>): Promise<DmnParseResult>;
  }
}
