/**
 * The HTTP contract of Baton: one JSON Schema per body, params, query and answer, used at run time
 * (validation and serialization in the server) and in types (`FromSchema`). Register `allSchemas`
 * once (`app.addSchema`) and reference each by `{ $ref: '<$id>#' }`.
 */
import { LoginBodySchema, MeSchema, PasswordChangeBodySchema } from './auth.js';
import {
  BatchCreateBodySchema,
  BatchDetailQuerySchema,
  BatchDetailSchema,
  BatchDryRunSchema,
  BatchListQuerySchema,
  BatchListSchema,
  BatchSchema,
} from './batches.js';
import { HealthSchema, IdParamsSchema, ProblemSchema } from './common.js';
import {
  DecisionDeployResultSchema,
  DecisionDetailSchema,
  DecisionEvaluateBodySchema,
  DecisionEvaluateResultSchema,
  DecisionEvaluationListQuerySchema,
  DecisionEvaluationListSchema,
  DecisionIdParamsSchema,
  DecisionListQuerySchema,
  DecisionListSchema,
  DecisionSchema,
} from './decisions.js';
import {
  DefinitionDetailSchema,
  DefinitionListQuerySchema,
  DefinitionListSchema,
  DefinitionSchema,
  DeployBodySchema,
  DeployResultSchema,
  ProcessListSchema,
  ProcessParamsSchema,
  ValidateResultSchema,
} from './definitions.js';
import {
  FormGetQuerySchema,
  FormListQuerySchema,
  FormListSchema,
  FormParamsSchema,
  FormSaveSchema,
  FormSchema,
} from './forms.js';
import {
  GroupCreateSchema,
  GroupListSchema,
  GroupMembersSchema,
  GroupParamsSchema,
  GroupSchema,
} from './groups.js';
import {
  HistoryListSchema,
  HistoryQuerySchema,
  IncidentListQuerySchema,
  IncidentListSchema,
  InstanceDetailSchema,
  InstanceListQuerySchema,
  InstanceListSchema,
  InstanceStartSchema,
  InstanceSummarySchema,
  VariablesBodySchema,
} from './instances.js';
import {
  FetchAndLockSchema,
  JobBpmnErrorSchema,
  JobCompleteSchema,
  JobFailSchema,
  JobListQuerySchema,
  JobListSchema,
  JobPatchBodySchema,
  JobSchema,
} from './jobs.js';
import { FileInfoSchema, FileListQuerySchema, FileListSchema } from './files.js';
import { FormDocumentSchema } from './form-meta.js';
import {
  IncidentBulkRetryBodySchema,
  IncidentBulkRetryReportSchema,
  IncidentRetryBodySchema,
} from './incidents.js';
import { KpiSummarySchema } from './kpis.js';
import {
  BatchMigrationBodySchema,
  BatchMigrationReportSchema,
  MigrationBodySchema,
  MigrationReportSchema,
  ModificationBodySchema,
} from './migrations.js';
import { MailSettingsBodySchema, MailSettingsSchema } from './mail-settings.js';
import { NotificationListQuerySchema, NotificationListSchema, NotificationSchema } from './notifications.js';
import { ProcessGroupsBodySchema, ProcessGroupsSchema } from './process-access.js';
import {
  MessageBodySchema,
  MessageResultSchema,
  SignalBodySchema,
  SignalResultSchema,
  StartGatheringListSchema,
} from './messages.js';
import { ConditionEvaluateBodySchema, ConditionEvaluationSchema } from './conditions.js';
import {
  AssignBodySchema,
  TaskUpdateBodySchema,
  CommentBodySchema,
  DelegateBodySchema,
  HandoffBodySchema,
  ReturnBodySchema,
  TaskDataBodySchema,
  TaskDetailSchema,
  TaskListQuerySchema,
  TaskListSchema,
  TaskSchema,
} from './tasks.js';
import {
  RequestListQuerySchema,
  RequestListSchema,
  TaskCardListSchema,
  TaskCardQuerySchema,
} from './requests.js';
import { InstanceExportSchema, RetentionSchema } from './retention.js';
import { AdHocActivationBodySchema, AdHocParamsSchema } from './adhoc.js';
import { TemplateManifestSchema } from './template-manifest.js';
import { TemplateCopySchema, TemplateListSchema, TemplateParamsSchema, TemplateSchema } from './templates.js';
import {
  ApiTokenCreatedSchema,
  ApiTokenCreateSchema,
  ApiTokenListQuerySchema,
  ApiTokenListSchema,
  ApiTokenSchema,
} from './tokens.js';
import { CalendarListSchema, CalendarParamsSchema, CalendarSaveSchema, CalendarSchema } from './calendars.js';
import {
  AbsenceCreateSchema,
  AbsenceListQuerySchema,
  AbsenceListSchema,
  AbsenceSchema,
  TeamLoadQuerySchema,
  TeamLoadSchema,
} from './teams.js';
import {
  TaskBulkBodySchema,
  TaskBulkReportSchema,
  ViewListSchema,
  ViewSaveSchema,
  ViewSchema,
} from './views.js';
import {
  UserCreateSchema,
  UserListQuerySchema,
  UserListSchema,
  UserPatchSchema,
  UserSchema,
} from './users.js';

export * from './auth.js';
export * from './batches.js';
export * from './common.js';
export * from './decisions.js';
export * from './definitions.js';
export * from './files.js';
export * from './form-js.js';
export * from './form-meta.js';
export * from './forms.js';
export * from './groups.js';
export * from './incidents.js';
export * from './instances.js';
export * from './jobs.js';
export * from './kpis.js';
export * from './messages.js';
export * from './conditions.js';
export * from './migrations.js';
export * from './adhoc.js';
export * from './mail-settings.js';
export * from './notifications.js';
export * from './process-access.js';
export * from './requests.js';
export * from './retention.js';
export * from './scopes.js';
export * from './tasks.js';
export * from './teams.js';
export * from './calendars.js';
export * from './template-manifest.js';
export * from './templates.js';
export * from './tokens.js';
export * from './users.js';
export * from './views.js';

/** Every schema with an `$id`, to register once with the server (and the OpenAPI document). */
export const allSchemas = [
  FileInfoSchema,
  FileListQuerySchema,
  FileListSchema,
  ProblemSchema,
  IdParamsSchema,
  DecisionSchema,
  DecisionListSchema,
  DecisionListQuerySchema,
  DecisionDeployResultSchema,
  DecisionDetailSchema,
  DecisionEvaluateBodySchema,
  DecisionEvaluateResultSchema,
  DecisionIdParamsSchema,
  DecisionEvaluationListQuerySchema,
  DecisionEvaluationListSchema,
  HealthSchema,
  LoginBodySchema,
  MeSchema,
  PasswordChangeBodySchema,
  UserSchema,
  UserListSchema,
  UserListQuerySchema,
  UserCreateSchema,
  UserPatchSchema,
  GroupSchema,
  GroupListSchema,
  GroupCreateSchema,
  GroupParamsSchema,
  GroupMembersSchema,
  ApiTokenSchema,
  ApiTokenListSchema,
  ApiTokenListQuerySchema,
  ApiTokenCreateSchema,
  ApiTokenCreatedSchema,
  FormSchema,
  FormListSchema,
  FormListQuerySchema,
  FormSaveSchema,
  FormParamsSchema,
  FormGetQuerySchema,
  DefinitionSchema,
  DefinitionDetailSchema,
  DefinitionListSchema,
  DefinitionListQuerySchema,
  DeployBodySchema,
  DeployResultSchema,
  ValidateResultSchema,
  ProcessListSchema,
  ProcessParamsSchema,
  ProcessGroupsSchema,
  ProcessGroupsBodySchema,
  InstanceSummarySchema,
  InstanceDetailSchema,
  InstanceListSchema,
  InstanceListQuerySchema,
  InstanceStartSchema,
  VariablesBodySchema,
  HistoryListSchema,
  HistoryQuerySchema,
  IncidentListSchema,
  IncidentListQuerySchema,
  IncidentRetryBodySchema,
  IncidentBulkRetryBodySchema,
  IncidentBulkRetryReportSchema,
  TaskSchema,
  TaskDetailSchema,
  TaskListSchema,
  TaskListQuerySchema,
  HandoffBodySchema,
  DelegateBodySchema,
  ReturnBodySchema,
  CommentBodySchema,
  AssignBodySchema,
  TaskUpdateBodySchema,
  TaskDataBodySchema,
  MessageBodySchema,
  MessageResultSchema,
  SignalBodySchema,
  SignalResultSchema,
  StartGatheringListSchema,
  ConditionEvaluateBodySchema,
  ConditionEvaluationSchema,
  JobSchema,
  JobListSchema,
  JobListQuerySchema,
  JobPatchBodySchema,
  FetchAndLockSchema,
  JobCompleteSchema,
  JobFailSchema,
  JobBpmnErrorSchema,
  KpiSummarySchema,
  NotificationSchema,
  NotificationListSchema,
  NotificationListQuerySchema,
  MailSettingsSchema,
  MailSettingsBodySchema,
  TemplateSchema,
  TemplateListSchema,
  TemplateParamsSchema,
  TemplateCopySchema,
  FormDocumentSchema,
  TemplateManifestSchema,
  RequestListSchema,
  RequestListQuerySchema,
  TaskCardListSchema,
  TaskCardQuerySchema,
  MigrationBodySchema,
  BatchMigrationBodySchema,
  MigrationReportSchema,
  BatchMigrationReportSchema,
  ModificationBodySchema,
  RetentionSchema,
  InstanceExportSchema,
  AbsenceSchema,
  AbsenceListSchema,
  AbsenceListQuerySchema,
  AbsenceCreateSchema,
  TeamLoadQuerySchema,
  TeamLoadSchema,
  ViewSchema,
  ViewListSchema,
  ViewSaveSchema,
  TaskBulkBodySchema,
  TaskBulkReportSchema,
  AdHocParamsSchema,
  AdHocActivationBodySchema,
  BatchCreateBodySchema,
  BatchSchema,
  BatchDetailSchema,
  BatchDetailQuerySchema,
  BatchDryRunSchema,
  BatchListQuerySchema,
  BatchListSchema,
  CalendarSchema,
  CalendarListSchema,
  CalendarSaveSchema,
  CalendarParamsSchema,
] as const;
