import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import 'bpmn-js-token-simulation/assets/css/bpmn-js-token-simulation.css';
import Modeler from 'bpmn-js/lib/Modeler';
import lintModule from 'bpmn-js-bpmnlint';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  ZeebePropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import TokenSimulationModule from 'bpmn-js-token-simulation';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
import type { Locale } from '../../app/i18n-core.js';
import { conditionalFilterModule } from './conditional-filter.js';
import { lintConfig } from './lint-config.js';
import { listenerGroupsModule } from './listener-groups.js';
import { translateModuleFor } from './modeler-zh.js';

/**
 * Creates the process modeler: Zeebe properties, bpmnlint, token simulation, listener and
 * condition panels cut to what the engine runs, labels in the app's language (create it again when the language changes).
 */
export function createModeler(
  container: HTMLElement,
  propertiesParent: HTMLElement,
  locale: Locale = 'en',
): Modeler {
  return new Modeler({
    container,
    propertiesPanel: { parent: propertiesParent },
    linting: { bpmnlint: lintConfig, active: true },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      ZeebePropertiesProviderModule,
      lintModule,
      TokenSimulationModule,
      listenerGroupsModule,
      conditionalFilterModule,
      translateModuleFor(locale),
    ],
    moddleExtensions: { zeebe: zeebeModdle },
  });
}

function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 9);
}

/** An empty, executable process with one start event, ready for Camunda 8 (Zeebe) attributes. */
export function blankDiagram(): string {
  const processId = `Process_${randomSuffix()}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_${randomSuffix()}" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">
  <bpmn:process id="${processId}" name="New process" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="Start" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${processId}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="172" y="142" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

/** The ids of the executable processes in a diagram. */
export function processIdsOf(modeler: Modeler): string[] {
  const definitions = modeler.getDefinitions() as
    | { rootElements?: { $type: string; id: string }[] }
    | undefined;
  return (definitions?.rootElements ?? []).filter((e) => e.$type === 'bpmn:Process').map((e) => e.id);
}
