/** The benchmark's process: start -> three sequential user tasks -> end. */
export const THREE_STEPS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="bench-defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="bench-three-steps" name="Three steps" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="draft" name="Draft">
      <bpmn:extensionElements><zeebe:assignmentDefinition assignee="=requester" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="review" name="Review">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="leads" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="approve" name="Approve">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="managers" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="draft" />
    <bpmn:sequenceFlow id="f2" sourceRef="draft" targetRef="review" />
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="approve" />
    <bpmn:sequenceFlow id="f4" sourceRef="approve" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;
