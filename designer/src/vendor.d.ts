// Packages without their own type declarations, typed as loosely as the app uses them.

declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: import('didi').ModuleDeclaration;
  export const BpmnPropertiesProviderModule: import('didi').ModuleDeclaration;
  export const ZeebePropertiesProviderModule: import('didi').ModuleDeclaration;
  export function useService(name: string): unknown;
}

declare module '@bpmn-io/properties-panel' {
  export function TextFieldEntry(props: Record<string, unknown>): unknown;
  export function isTextFieldEntryEdited(node: unknown): boolean;
}

declare module 'bpmn-js-token-simulation' {
  const module: import('didi').ModuleDeclaration;
  export default module;
}

declare module 'bpmn-js-bpmnlint' {
  const module: import('didi').ModuleDeclaration;
  export default module;
}

declare module 'bpmnlint/rules/*' {
  const rule: unknown;
  export default rule;
}

declare module 'zeebe-bpmn-moddle/resources/zeebe.json' {
  const descriptor: Record<string, unknown>;
  export default descriptor;
}
