import type { FromSchema } from 'json-schema-to-ts';
import { dateTimeShape, uuidShape } from './common.js';

/**
 * The JSON Schema `format` of a form field that holds an uploaded file: the field's value is the
 * id the upload answered (`POST /api/files`). `{ "type": "string", "format": "baton-file" }`; an
 * array of such strings holds several files.
 */
export const FILE_FORMAT = 'baton-file';

/** What a file id looks like (a UUID), for validators that register {@link FILE_FORMAT}. */
export const FILE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The types an upload may have, by what its bytes are (sniffed), never by its name alone. Text
 * types have no magic bytes: they are taken when the bytes are UTF-8 without control characters.
 */
export const ALLOWED_FILE_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/zip',
  'text/plain',
  'text/csv',
] as const;

/** An uploaded file as the API shows it (never its bytes). */
const fileInfoShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    name: { type: 'string' },
    type: { type: 'string' },
    size: { type: 'integer', minimum: 0 },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    uploadedBy: { type: 'string' },
    /** The instance it travels with, or null while it waits to be attached by a form. */
    instanceId: { anyOf: [uuidShape, { type: 'null' }] },
    createdAt: dateTimeShape,
  },
  required: ['id', 'name', 'type', 'size', 'sha256', 'uploadedBy', 'instanceId', 'createdAt'],
  additionalProperties: false,
} as const;
export const FileInfoSchema = { $id: 'fileInfo', ...fileInfoShape } as const;
export type FileInfo = FromSchema<typeof FileInfoSchema>;

/** `GET /api/files?instanceId=`: the files attached to one instance. */
export const FileListQuerySchema = {
  $id: 'fileListQuery',
  type: 'object',
  properties: { instanceId: uuidShape },
  required: ['instanceId'],
  additionalProperties: false,
} as const;
export type FileListQuery = FromSchema<typeof FileListQuerySchema>;

export const FileListSchema = {
  $id: 'fileList',
  type: 'object',
  properties: { items: { type: 'array', items: fileInfoShape } },
  required: ['items'],
  additionalProperties: false,
} as const;
export type FileList = FromSchema<typeof FileListSchema>;
