import { isTextFieldEntryEdited, TextFieldEntry } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { type Group, VARIABLE_NAMES_ENTRY, withVariableNames } from './conditional-filter-groups.js';

/**
 * The engine runs both halves of `zeebe:conditionalFilter` on conditional catch, boundary and
 * event subprocess start events; the Zeebe properties panel offers only `variableEvents`. This
 * adds a "Variable names" field (comma-separated) beside it, in the same group, so the panel
 * offers what the engine runs. Where the panel shows no variable events (a process's own
 * conditional start, where the engine refuses a filter) it adds nothing either.
 */

interface Moddle {
  readonly $type: string;
  $parent?: Moddle;
  readonly eventDefinitions?: readonly Moddle[];
  readonly extensionElements?: Moddle;
  readonly values?: readonly Moddle[];
  readonly variableNames?: string;
  get?(name: string): unknown;
}

interface PanelElement {
  readonly businessObject: Moddle;
}

function conditionalDefinition(element: PanelElement): Moddle | undefined {
  return element.businessObject.eventDefinitions?.find((d) => d.$type === 'bpmn:ConditionalEventDefinition');
}

function filterOf(definition: Moddle | undefined): Moddle | undefined {
  return definition?.extensionElements?.values?.find((v) => v.$type === 'zeebe:ConditionalFilter');
}

interface CommandStack {
  execute(command: string, context: unknown): void;
}
interface BpmnFactory {
  create(type: string, properties?: Record<string, unknown>): Moddle;
}
type Translate = (text: string) => string;

function VariableNames(props: { element: PanelElement }) {
  const { element } = props;
  const commandStack = useService('commandStack') as CommandStack;
  const bpmnFactory = useService('bpmnFactory') as BpmnFactory;
  const translate = useService('translate') as Translate;
  const debounce = useService('debounceInput') as unknown;
  const getValue = () => filterOf(conditionalDefinition(element))?.variableNames ?? '';
  const setValue = (value: string) => {
    const definition = conditionalDefinition(element);
    if (!definition) return;
    const names =
      value
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '')
        .join(',') || undefined;
    const commands: unknown[] = [];
    let filter = filterOf(definition);
    if (!filter) {
      filter = bpmnFactory.create('zeebe:ConditionalFilter', {});
      const existing = definition.extensionElements;
      const extensionElements = bpmnFactory.create('bpmn:ExtensionElements', {
        values: [...(existing?.values ?? []), filter],
      });
      extensionElements.$parent = definition;
      filter.$parent = extensionElements;
      commands.push({
        cmd: 'element.updateModdleProperties',
        context: { element, moddleElement: definition, properties: { extensionElements } },
      });
    }
    commands.push({
      cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: filter, properties: { variableNames: names } },
    });
    commandStack.execute('properties-panel.multi-command-executor', commands);
  };
  return TextFieldEntry({
    element,
    id: VARIABLE_NAMES_ENTRY,
    label: translate('Variable names'),
    description: translate(
      'Comma-separated; the condition is evaluated again only when one of them changes.',
    ),
    getValue,
    setValue,
    debounce,
  });
}

interface PropertiesPanel {
  registerProvider(priority: number, provider: object): void;
}

/** Runs after the Zeebe provider (priority 500). */
const AFTER_ZEEBE = 100;

function ConditionalFilterEntries(this: unknown, propertiesPanel: PropertiesPanel) {
  propertiesPanel.registerProvider(AFTER_ZEEBE, {
    getGroups: () => (groups: Group[]) =>
      withVariableNames(groups, { component: VariableNames, isEdited: isTextFieldEntryEdited }),
  });
}
ConditionalFilterEntries.$inject = ['propertiesPanel'];

/** The module, in bpmn-io's shape. */
export const conditionalFilterModule = {
  __init__: ['batonConditionalFilter'],
  batonConditionalFilter: ['type', ConditionalFilterEntries],
};
