/** Reads and writes `zeebe:FormDefinition formId` on a user task through bpmn-js commands (undoable). */

interface ModdleElement {
  $type: string;
  $instanceOf(type: string): boolean;
  get(name: string): unknown;
}
interface Shape {
  id: string;
  businessObject: ModdleElement;
}
interface Moddle {
  create(type: string, attrs?: Record<string, unknown>): ModdleElement & { $parent?: unknown };
}
interface Modeling {
  updateProperties(element: Shape, properties: Record<string, unknown>): void;
  updateModdleProperties(element: Shape, target: ModdleElement, properties: Record<string, unknown>): void;
}
export interface ModelerServices {
  get<T>(name: string): T;
}

function extensionValues(bo: ModdleElement): ModdleElement[] {
  const ext = bo.get('extensionElements') as ModdleElement | undefined;
  return (ext?.get('values') as ModdleElement[] | undefined) ?? [];
}

/** The form id linked to a task, if any. */
export function getLinkedFormId(element: Shape): string | null {
  const definition = extensionValues(element.businessObject).find((v) =>
    v.$instanceOf('zeebe:FormDefinition'),
  );
  const formId = definition?.get('formId');
  return typeof formId === 'string' && formId ? formId : null;
}

/** Links (or with null, unlinks) a Baton form to a user task. */
export function setLinkedFormId(modeler: ModelerServices, element: Shape, formId: string | null): void {
  const moddle = modeler.get<Moddle>('moddle');
  const modeling = modeler.get<Modeling>('modeling');
  const bo = element.businessObject;
  let ext = bo.get('extensionElements') as ModdleElement | undefined;
  if (!ext) {
    if (!formId) return;
    ext = moddle.create('bpmn:ExtensionElements', { values: [] });
    (ext as { $parent?: unknown }).$parent = bo;
    modeling.updateProperties(element, { extensionElements: ext });
  }
  const values = (ext.get('values') as ModdleElement[]) ?? [];
  const existing = values.find((v) => v.$instanceOf('zeebe:FormDefinition'));
  if (!formId) {
    if (existing)
      modeling.updateModdleProperties(element, ext, { values: values.filter((v) => v !== existing) });
    return;
  }
  if (existing) {
    modeling.updateModdleProperties(element, existing, {
      formId,
      formKey: undefined,
      externalReference: undefined,
    });
    return;
  }
  const definition = moddle.create('zeebe:FormDefinition', { formId });
  definition.$parent = ext;
  modeling.updateModdleProperties(element, ext, { values: [...values, definition] });
}
