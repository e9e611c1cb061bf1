/** Processes and forms the daily-path scenarios deploy once per server. */

interface OneTask {
  processId: string;
  processName: string;
  taskName: string;
  assignee?: string;
  candidateGroups?: string;
  formId?: string;
}

/** start -> one user task -> end, with a diagram so the instance page can draw it. */
export function oneTaskProcess(p: OneTask): string {
  const assignment = p.assignee
    ? `<zeebe:assignmentDefinition assignee="${p.assignee}" />`
    : `<zeebe:assignmentDefinition candidateGroups="${p.candidateGroups ?? 'staff'}" />`;
  const form = p.formId ? `<zeebe:formDefinition formId="${p.formId}" />` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-${p.processId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${p.processId}" name="${p.processName}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="Task_main" name="${p.taskName}">
      <bpmn:extensionElements><zeebe:userTask />${assignment}${form}</bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_main" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_main" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="plane" bpmnElement="${p.processId}">
    <bpmndi:BPMNShape id="s_start" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s_task" bpmnElement="Task_main"><dc:Bounds x="190" y="78" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s_end" bpmnElement="end"><dc:Bounds x="340" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="e_f1" bpmnElement="f1"><di:waypoint x="136" y="118" /><di:waypoint x="190" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="e_f2" bpmnElement="f2"><di:waypoint x="290" y="118" /><di:waypoint x="340" y="118" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

export const PROCESSES = {
  /** sam's own step with a form of one note: delegated, handed off. */
  note: {
    processId: 'm-note',
    processName: 'Note request',
    taskName: 'Write the note',
    assignee: 'sam',
    formId: 'm-note-form',
  },
  /** Any staff member may claim it. */
  pool: {
    processId: 'm-pool',
    processName: 'Pool request',
    taskName: 'Pick up the request with a rather long name',
    candidateGroups: 'staff',
  },
  /** sam acknowledges; the process already holds an answer of the same name. */
  ack: {
    processId: 'm-ack',
    processName: 'Policy change',
    taskName: 'Acknowledge the change',
    assignee: 'sam',
    formId: 'm-ack-form',
  },
  /** staff decide a request, seeing its background. */
  ask: {
    processId: 'm-ask',
    processName: 'Equipment request',
    taskName: 'Decide the request',
    candidateGroups: 'staff',
    formId: 'm-decide',
  },
  /** maya's own requests (she manages them, so she may cancel). */
  own: { processId: 'm-own', processName: 'Own request', taskName: 'Look at it', assignee: 'maya' },
} satisfies Record<string, OneTask>;

export const FORMS = [
  {
    formId: 'm-note-form',
    name: { en: 'Write the note', zh: '填写备注' },
    schema: {
      type: 'object',
      title: 'Write the note',
      properties: { note: { type: 'string', title: 'Note' } },
    },
    i18n: { zh: { '/title': '填写备注', '/properties/note/title': '备注' } },
  },
  {
    formId: 'm-ack-form',
    name: { en: 'Acknowledge the change', zh: '确认变更' },
    schema: {
      type: 'object',
      title: 'Acknowledge the change',
      properties: {
        acknowledged: { type: 'boolean', title: 'I have read the change', const: true },
        note: { type: 'string', title: 'My earlier note' },
      },
      required: ['acknowledged'],
    },
    uiSchema: { 'ui:prefill': ['note'] },
    i18n: {
      zh: {
        '/title': '确认变更',
        '/properties/acknowledged/title': '我已阅读该变更',
        '/properties/note/title': '我之前的备注',
      },
    },
  },
  {
    formId: 'm-decide',
    name: { en: 'Decide the request', zh: '审批申请' },
    schema: {
      type: 'object',
      title: 'Decide the request',
      properties: {
        approve: { type: 'boolean', title: 'Approve' },
        comment: { type: 'string', title: 'Comment', minLength: 1 },
      },
      required: ['comment'],
    },
    uiSchema: {
      'ui:context': [
        { name: 'item', title: { en: 'Item asked for', zh: '申请物品' } },
        { name: 'reasons', title: { en: 'Reasons', zh: '理由' } },
      ],
      'ui:headline': ['item'],
    },
    i18n: {
      zh: { '/title': '审批申请', '/properties/approve/title': '批准', '/properties/comment/title': '意见' },
    },
  },
];

/** maya drafts, then sam checks: sam can return the check to maya's step. */
export const twoSteps = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-two" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="m-two" name="Plan review" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="Task_draft" name="Draft the plan">
      <bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition assignee="maya" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="Task_check" name="Check the plan">
      <bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition assignee="sam" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_draft" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_draft" targetRef="Task_check" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_check" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** start -> "Approved?" -> two ends, neither flow with a condition: only a lint rule catches it in the browser. */
export const splitWithoutConditions = (processId = 'm-split') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs-split" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>in</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="Gateway_approved" name="Approved?">
      <bpmn:incoming>in</bpmn:incoming><bpmn:outgoing>toYes</bpmn:outgoing><bpmn:outgoing>toNo</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:endEvent id="yes" name="Yes"><bpmn:incoming>toYes</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="no" name="No"><bpmn:incoming>toNo</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="in" sourceRef="start" targetRef="Gateway_approved" />
    <bpmn:sequenceFlow id="toYes" sourceRef="Gateway_approved" targetRef="yes" />
    <bpmn:sequenceFlow id="toNo" sourceRef="Gateway_approved" targetRef="no" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="plane" bpmnElement="${processId}">
    <bpmndi:BPMNShape id="s_start" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s_gw" bpmnElement="Gateway_approved" isMarkerVisible="true"><dc:Bounds x="200" y="93" width="50" height="50" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s_yes" bpmnElement="yes"><dc:Bounds x="320" y="40" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s_no" bpmnElement="no"><dc:Bounds x="320" y="160" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="e_in" bpmnElement="in"><di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="e_yes" bpmnElement="toYes"><di:waypoint x="225" y="93" /><di:waypoint x="225" y="58" /><di:waypoint x="320" y="58" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="e_no" bpmnElement="toNo"><di:waypoint x="225" y="143" /><di:waypoint x="225" y="178" /><di:waypoint x="320" y="178" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
