/**
 * Shapes of the Baton HTTP API as the web app reads them. Every answer the server describes with a
 * JSON Schema comes from `@baton/schemas` (`FromSchema` types, so the app and the server cannot
 * drift); only what no schema covers is declared here, and says why.
 */
import type {
  DefinitionList,
  DeployIssueDto,
  FieldError as SchemaFieldError,
  Form,
  FormList,
  Group as SchemaGroup,
  GroupList,
  HistoryList,
  INSTANCE_STATUSES,
  InstanceDetail as SchemaInstanceDetail,
  InstanceSummary as SchemaInstanceSummary,
  KpiSummaryDto,
  NotificationList as SchemaNotificationList,
  ProcessList,
  TaskList as SchemaTaskList,
  TemplateDto,
  TemplateManifest,
  User as SchemaUser,
  UserList,
} from '@baton/schemas';

export type {
  Definition,
  DefinitionList,
  Form,
  FormList,
  GroupList,
  HistoryList,
  Incident,
  InstanceList,
  ProcessList,
  ProcessSummary,
  Role,
  SessionUser,
  Task,
  TaskDetail,
  UserList,
} from '@baton/schemas';

/** Local: any JSON value. Schemas type free-form variables as `unknown`; forms need the JSON shape. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** Process and form variables: any JSON values by name (the schemas' `variables` shape). */
export type Variables = { [key: string]: unknown };
/** A JSON object the server sent (a form schema, a uiSchema); its values are JSON by construction. */
export type JsonObject = { [key: string]: unknown };

/** Reads a JSON object from the API as typed JSON: what came over the wire can only be JSON. */
export function asJson(value: JsonObject): { [key: string]: Json } {
  return value as { [key: string]: Json };
}

export type FieldError = SchemaFieldError;
export type DeployIssue = DeployIssueDto;
export type FormRecord = Form;
export type Group = SchemaGroup;
/** What any signed-in user may read about another (pickers): the required part of `user`. */
export type UserRef = Pick<SchemaUser, 'id' | 'username' | 'displayName'>;

/** The states an instance can be in (the schema's enum). */
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];
/** An instance in a list; the status narrowed to the schema's enum. */
export type InstanceSummary = SchemaInstanceSummary & { status: InstanceStatus };
/** One instance with variables, tokens, path and incidents. */
export type InstanceDetail = SchemaInstanceDetail & { status: InstanceStatus };
/** One timeline entry. */
export type HistoryEvent = HistoryList['items'][number];

export type NotificationList = SchemaNotificationList;
export type NotificationItem = SchemaNotificationList['items'][number];

export type TaskList = SchemaTaskList;
export type TaskCounts = SchemaTaskList['counts'];
export type Kpis = KpiSummaryDto;

/** Local: the list envelope every resource shares; the schemas spell it out per resource. */
export type ListPage<T> = { items: T[]; total: number; limit: number; offset: number };
export type DefinitionItem = DefinitionList['items'][number];
export type FormItem = FormList['items'][number];
export type GroupItem = GroupList['items'][number];
export type ProcessItem = ProcessList['items'][number];
export type UserItem = UserList['items'][number];

/** Local: a `{ en, zh }` text (the schemas spell out the exact languages per resource). */
export interface LocalizedText {
  en?: string;
  zh?: string;
  [lang: string]: string | undefined;
}

/**
 * A gallery entry: the manifest (`template.json`) the list returns, plus the XML and forms that
 * `GET /api/templates/:id` adds. The list schema only pins `id` and allows the rest.
 */
export type Template = TemplateManifest & Partial<Pick<TemplateDto, 'xml' | 'forms'>>;

/**
 * Local: one server-sent event from `GET /api/events`. The stream is `text/event-stream`, which
 * no JSON Schema in `@baton/schemas` describes.
 */
export interface LiveEvent {
  kind: LiveEventKind;
  id: string;
  instanceId: string | null;
  /** `created`, `completed`, `claimed`, ...; `created` or `read` for notifications. */
  change: string;
  /** Notification events: what the notification says. */
  subject?: string | null;
}
export type LiveEventKind = 'task' | 'instance' | 'notification';
