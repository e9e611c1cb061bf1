import type { Locale } from '../../app/i18n-core.js';

/**
 * Simplified Chinese for the bpmn-js modeler: palette, context pad, replace menu and the Zeebe
 * properties panel groups and entries the app shows. Keys are bpmn-js's own English strings (the
 * argument of its `translate` calls); placeholders such as `{element}` stay as they are.
 */
export const MODELER_ZH: Readonly<Record<string, string>> = {
  // Palette
  'Activate hand tool': '启用抓手工具',
  'Activate lasso tool': '启用套索工具',
  'Activate create/remove space tool': '启用创建/删除空间工具',
  'Activate global connect tool': '启用全局连接工具',
  'Create start event': '创建开始事件',
  'Create intermediate/boundary event': '创建中间/边界事件',
  'Create end event': '创建结束事件',
  'Create gateway': '创建网关',
  'Create task': '创建任务',
  'Create expanded sub-process': '创建展开的子流程',
  'Create data object reference': '创建数据对象引用',
  'Create data store reference': '创建数据存储引用',
  'Create pool/participant': '创建池/参与者',
  'Create group': '创建组',

  // Context pad
  'Append end event': '追加结束事件',
  'Append gateway': '追加网关',
  'Append task': '追加任务',
  'Append intermediate/boundary event': '追加中间/边界事件',
  'Append receive task': '追加接收任务',
  'Append message intermediate catch event': '追加消息中间捕获事件',
  'Append timer intermediate catch event': '追加定时器中间捕获事件',
  'Append signal intermediate catch event': '追加信号中间捕获事件',
  'Append conditional intermediate catch event': '追加条件中间捕获事件',
  'Append compensation activity': '追加补偿活动',
  'Add text annotation': '添加文本注释',
  'Add lane above': '在上方添加泳道',
  'Add lane below': '在下方添加泳道',
  'Divide into two lanes': '分成两条泳道',
  'Divide into three lanes': '分成三条泳道',
  'Change element': '更改元素',
  'Connect to other element': '连接到其他元素',
  'Connect using association': '用关联连接',
  'Connect using data input association': '用数据输入关联连接',
  Delete: '删除',
  'Open {element}': '打开 {element}',
  'Align elements': '对齐元素',
  'Distribute elements horizontally': '水平分布元素',
  'Distribute elements vertically': '垂直分布元素',

  // Replace menu: markers
  Loop: '循环',
  'Parallel multi-instance': '并行多实例',
  'Sequential multi-instance': '串行多实例',
  Collection: '集合',
  'Participant multiplicity': '参与者多重性',
  'Toggle non-interrupting': '切换非中断',

  // Replace menu: elements
  'Start event': '开始事件',
  'Intermediate throw event': '中间抛出事件',
  'End event': '结束事件',
  'Message start event': '消息开始事件',
  'Timer start event': '定时器开始事件',
  'Signal start event': '信号开始事件',
  'Error start event': '错误开始事件',
  'Escalation start event': '升级开始事件',
  'Message start event (non-interrupting)': '消息开始事件（非中断）',
  'Timer start event (non-interrupting)': '定时器开始事件（非中断）',
  'Signal start event (non-interrupting)': '信号开始事件（非中断）',
  'Escalation start event (non-interrupting)': '升级开始事件（非中断）',
  'Message intermediate catch event': '消息中间捕获事件',
  'Message intermediate throw event': '消息中间抛出事件',
  'Timer intermediate catch event': '定时器中间捕获事件',
  'Escalation intermediate throw event': '升级中间抛出事件',
  'Link intermediate catch event': '链接中间捕获事件',
  'Link intermediate throw event': '链接中间抛出事件',
  'Signal intermediate catch event': '信号中间捕获事件',
  'Signal intermediate throw event': '信号中间抛出事件',
  'Message end event': '消息结束事件',
  'Escalation end event': '升级结束事件',
  'Error end event': '错误结束事件',
  'Cancel end event': '取消结束事件',
  'Signal end event': '信号结束事件',
  'Terminate end event': '终止结束事件',
  'Boundary event': '边界事件',
  'Message boundary event': '消息边界事件',
  'Timer boundary event': '定时器边界事件',
  'Escalation boundary event': '升级边界事件',
  'Error boundary event': '错误边界事件',
  'Cancel boundary event': '取消边界事件',
  'Compensation boundary event': '补偿边界事件',
  'Compensation end event': '补偿结束事件',
  'Compensation intermediate throw event': '补偿中间抛出事件',
  'Compensation start event': '补偿开始事件',
  'Signal boundary event': '信号边界事件',
  'Message boundary event (non-interrupting)': '消息边界事件（非中断）',
  'Timer boundary event (non-interrupting)': '定时器边界事件（非中断）',
  'Escalation boundary event (non-interrupting)': '升级边界事件（非中断）',
  'Signal boundary event (non-interrupting)': '信号边界事件（非中断）',
  'Conditional start event': '条件开始事件',
  'Conditional start event (non-interrupting)': '条件开始事件（非中断）',
  'Conditional intermediate catch event': '条件中间捕获事件',
  'Conditional boundary event': '条件边界事件',
  'Conditional boundary event (non-interrupting)': '条件边界事件（非中断）',
  'Exclusive gateway': '排他网关',
  'Parallel gateway': '并行网关',
  'Inclusive gateway': '包容网关',
  'Event-based gateway': '基于事件的网关',
  Task: '任务',
  'User task': '用户任务',
  'Service task': '服务任务',
  'Send task': '发送任务',
  'Receive task': '接收任务',
  'Manual task': '手工任务',
  'Script task': '脚本任务',
  'Call activity': '调用活动',
  'Sub-process': '子流程',
  'Sub-process (collapsed)': '子流程（折叠）',
  'Sub-process (expanded)': '子流程（展开）',
  'Event sub-process': '事件子流程',
  Transaction: '事务',
  'Sequence flow': '顺序流',
  'Default flow': '默认流',
  'Conditional flow': '条件流',
  'Data object reference': '数据对象引用',
  'Data store reference': '数据存储引用',
  'Expanded pool/participant': '展开的池/参与者',
  'Empty pool/participant': '空的池/参与者',

  // Properties panel: frame
  'Select an element to edit its properties.': '选择一个元素以编辑其属性。',
  'Multiple elements are selected. Select a single element to edit its properties.':
    '选中了多个元素。请只选择一个元素来编辑其属性。',
  'Toggle section': '展开/收起',
  'Section contains edits': '此部分有修改',
  'Section contains an error': '此部分有错误',
  'Create new list item': '新建列表项',
  'Delete item': '删除此项',
  'Toggle list item': '展开/收起此项',
  'Open documentation': '打开文档',
  'Open pop-up editor': '在弹出编辑器中打开',
  'Opened in editor': '已在编辑器中打开',
  'FEEL expression is mandatory': '必须填写 FEEL 表达式',
  'Unparsable FEEL expression.': '无法解析的 FEEL 表达式。',
  Create: '新建',
  '<none>': '<无>',
  '<empty>': '<空>',

  // Properties panel header: element types
  Process: '流程',
  'Start Event': '开始事件',
  'End Event': '结束事件',
  'User Task': '用户任务',
  'Service Task': '服务任务',
  'Script Task': '脚本任务',
  'Send Task': '发送任务',
  'Receive Task': '接收任务',
  'Manual Task': '手工任务',
  'Call Activity': '调用活动',
  'Sub Process': '子流程',
  'Exclusive Gateway': '排他网关',
  'Parallel Gateway': '并行网关',
  'Inclusive Gateway': '包容网关',
  'Event Based Gateway': '基于事件的网关',
  'Sequence Flow': '顺序流',
  'Message Start Event': '消息开始事件',
  'Timer Start Event': '定时器开始事件',
  'Message End Event': '消息结束事件',
  'Timer Intermediate Catch Event': '定时器中间捕获事件',
  'Message Intermediate Catch Event': '消息中间捕获事件',
  'Timer Boundary Event': '定时器边界事件',
  'Message Boundary Event': '消息边界事件',
  'Text Annotation': '文本注释',

  // General
  General: '常规',
  Name: '名称',
  ID: 'ID',
  'ID must be unique.': 'ID 必须唯一。',
  'ID must not be empty.': 'ID 不能为空。',
  'ID must not contain spaces.': 'ID 不能包含空格。',
  'ID must not contain prefix.': 'ID 不能包含前缀。',
  'ID must be a valid QName.': 'ID 必须是合法的 QName。',
  'Process name': '流程名称',
  'Process ID': '流程 ID',
  Executable: '可执行',
  'Version tag': '版本标签',

  // Documentation
  Documentation: '文档',
  'Element documentation': '元素文档',
  'Process documentation': '流程文档',

  // Assignment
  Assignment: '分配',
  Assignee: '处理人',
  'Candidate groups': '候选组',
  'Candidate users': '候选用户',
  'Due date': '截止日期',
  'Follow up date': '跟进日期',
  Priority: '优先级',
  'Define the assignment, schedule, and priority of the user task. Assignee, candidate groups, and candidate users can be combined. Use due date and follow-up date to express deadlines and urgency. ':
    '定义用户任务的分配、时间安排和优先级。处理人、候选组和候选用户可以组合使用。用截止日期和跟进日期表达期限与紧急程度。',
  'Specify more than one group as a comma separated list.': '多个组用逗号分隔。',
  'Specify more than one user as a comma separated list.': '多个用户用逗号分隔。',

  // Form
  Form: '表单',
  Type: '类型',
  'Camunda Form': 'Camunda 表单',
  'Camunda Form (linked)': 'Camunda 表单（链接）',
  'Camunda Form (embedded)': 'Camunda 表单（内嵌）',
  'Custom form key': '自定义表单键',
  'External reference': '外部引用',
  'Form ID': '表单 ID',
  'Form JSON configuration': '表单 JSON 配置',
  'Form key': '表单键',
  'External form reference': '外部表单引用',
  Binding: '绑定',
  'JSON contains errors': 'JSON 有错误',
  'User task form documentation': '用户任务表单文档',

  // Implementation / task definition
  Implementation: '实现',
  'Implementation type': '实现类型',
  'Camunda user task': 'Camunda 用户任务',
  'Job worker': '作业处理器',
  'Task definition': '任务定义',
  'Job type': '作业类型',
  Retries: '重试次数',
  Headers: '头信息',
  Key: '键',
  Value: '值',
  'Script type': '脚本类型',
  'Inline script': '内联脚本',
  Script: '脚本',
  'Result variable': '结果变量',
  'FEEL expression': 'FEEL 表达式',
  'Called element': '被调用元素',
  'Propagate all child process variables': '传递子流程的全部变量',
  'Propagate all parent process variables': '传递父流程的全部变量',

  // Inputs / Outputs
  Inputs: '输入',
  Outputs: '输出',
  'Input mapping': '输入映射',
  'Output mapping': '输出映射',
  'Local variable name': '局部变量名',
  'Process variable name': '流程变量名',
  'Variable assignment value': '变量赋值',
  'Input mappings documentation': '输入映射文档',
  'Output mappings documentation': '输出映射文档',

  // Conditions
  Condition: '条件',
  'Condition expression': '条件表达式',
  'Condition Expression': '条件表达式',
  'Conditions documentation': '条件文档',
  'Define a boolean condition expression that determines when this sequence flow is taken. ':
    '定义一个布尔条件表达式，决定何时走这条顺序流。',
  'Learn how to define conditions.': '了解如何定义条件。',
  // zeebe:conditionalFilter on conditional events (which kinds of variable change evaluate it)
  'Variable events': '变量事件',
  'Variable names': '变量名',
  'Comma-separated; the condition is evaluated again only when one of them changes.':
    '以逗号分隔；只有其中某个变量变化时才会再次计算条件。',
  Update: '更新',

  // Timer
  Timer: '定时器',
  'Timer documentation': '定时器文档',
  Date: '日期',
  Duration: '持续时间',
  Cycle: '周期',
  'How to configure a timer': '如何配置定时器',
  'A specific point in time defined as ISO 8601 combined date and time representation.':
    '以 ISO 8601 日期时间格式定义的某个时间点。',
  'A time duration defined as ISO 8601 durations format.': '以 ISO 8601 持续时间格式定义的时长。',
  'A cycle defined as ISO 8601 repeating intervals format, or a cron expression.':
    '以 ISO 8601 重复间隔格式或 cron 表达式定义的周期。',
  'A cycle defined as ISO 8601 repeating intervals format.': '以 ISO 8601 重复间隔格式定义的周期。',

  // Message
  Message: '消息',
  'Global message reference': '全局消息引用',
  'Subscription correlation key': '订阅关联键',
  'Create new ...': '新建…',

  // Multi-instance
  'Multi-instance': '多实例',
  'Input collection': '输入集合',
  'Input element': '输入元素',
  'Output collection': '输出集合',
  'Output element': '输出元素',
  'Completion condition': '完成条件',
  'Multi instance documentation': '多实例文档',
  'Execute this task for each element of a given collection. ': '对给定集合中的每个元素执行此任务。',

  // Other groups the Zeebe provider shows
  'Execution listeners': '执行监听器',
  'Task listeners': '任务监听器',
  'Event type': '事件类型',
  'Listener type': '监听器类型',
  Start: '开始',
  End: '结束',
  Creating: '创建时',
  Assigning: '分配时',
  Updating: '更新时',
  Completing: '完成时',
  'Before each': '每次之前',
  'After each': '每次之后',
  'Start: {type}': '开始：{type}',
  'End: {type}': '结束：{type}',
  'Before each: {type}': '每次之前：{type}',
  'After each: {type}': '每次之后：{type}',
  '{eventType}: {type}': '{eventType}：{type}',
  '<no type>': '<无类型>',
  'Extension properties': '扩展属性',
  Error: '错误',
  Signal: '信号',
  Escalation: '升级',
  Link: '链接',
  'Start initiator': '发起人',
  Initiator: '发起人',
  'Job execution': '作业执行',
  'Job priority': '作业优先级',
  'Tenant ID': '租户 ID',

  // bpmnlint's summary button and overlays
  'No Issues': '没有问题',
  'Issues for child elements': '子元素的问题',
  'Toggle linting overlays': '显示或隐藏检查标记',
};

/** Fills `{name}` placeholders; unknown placeholders stay as they are. */
function fill(template: string, replacements: Record<string, unknown> = {}): string {
  return template.replace(/{([^}]+)}/g, (whole, key: string) =>
    key in replacements ? String(replacements[key]) : whole,
  );
}

/** A bpmn-js `translate` function for a dictionary; strings it does not know stay English. */
export function translatorFor(
  dictionary: Readonly<Record<string, string>> | null,
): (template: string, replacements?: Record<string, unknown>) => string {
  return (template, replacements) => fill(dictionary?.[template] || template, replacements);
}

/** bpmnlint's summary button, which says "1 Errors, 1 Warnings" on its own. */
const LINT_SUMMARY = '{errors} Errors, {warnings} Warnings';

/** The lint summary with counts said right: "1 error, 2 warnings", "1 个错误，2 个警告". */
export function lintSummary(locale: Locale, replacements: Record<string, unknown> = {}): string {
  const errors = Number(replacements.errors ?? 0);
  const warnings = Number(replacements.warnings ?? 0);
  if (locale === 'zh') return `${errors} 个错误，${warnings} 个警告`;
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${count(errors, 'error')}, ${count(warnings, 'warning')}`;
}

/** The bpmn-js module that replaces the built-in `translate` for the given language. */
export function translateModuleFor(locale: Locale): {
  translate: ['value', ReturnType<typeof translatorFor>];
} {
  const words = translatorFor(locale === 'zh' ? MODELER_ZH : null);
  return {
    translate: [
      'value',
      (template, replacements) =>
        template === LINT_SUMMARY ? lintSummary(locale, replacements) : words(template, replacements),
    ],
  };
}
