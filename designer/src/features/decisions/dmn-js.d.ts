// dmn-js ships no type declarations; typed as loosely as the decisions page uses it.
declare module 'dmn-js/lib/Modeler' {
  export interface DmnView {
    readonly type: string;
    readonly element: { readonly id: string; readonly name?: string };
  }
  export default class DmnModeler {
    constructor(options: { container: HTMLElement; common?: Record<string, unknown> });
    importXML(xml: string): Promise<{ warnings: unknown[] }>;
    saveXML(options?: { format?: boolean }): Promise<{ xml: string }>;
    getViews(): DmnView[];
    getActiveView(): DmnView | undefined;
    open(view: DmnView): Promise<unknown>;
    destroy(): void;
  }
}
