import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FileInfo, FileListQuery, IdParams } from '@baton/schemas';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { currentUser, requireUser } from '../../auth/permissions.js';
import { visibleInstance } from '../../auth/visibility.js';
import { HttpProblem, problems } from '../../errors.js';
import { type FileQueries, type FileRecord, type FileTables, fileQueries } from '../../files/file-store.js';
import { fileTooLarge, receiveFile } from '../../files/receive.js';
import { ScanFailed, scanBytes } from '../../files/scan.js';
import { type FileSettings, fileSettingsFromEnv } from '../../files/settings.js';
import { sanitizeFileName } from '../../files/file-type.js';
import type { RequestUser } from '../../types.js';
import { shared } from '../../util/skip-override.js';
import { problemResponses, ref } from '../shared.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Uploaded files (the `files` table). */
    files: FileQueries;
    fileSettings: FileSettings;
  }
}

/** Room for the multipart envelope (boundaries, part headers) around the file itself. */
const ENVELOPE_BYTES = 64 * 1024;

function infoOf(f: FileRecord): FileInfo {
  return {
    id: f.id,
    name: f.name,
    type: f.type,
    size: f.size,
    sha256: f.sha256,
    uploadedBy: f.uploadedBy,
    instanceId: f.instanceId,
    createdAt: f.createdAt.toISOString(),
  };
}

/**
 * A file the user may read, or a 404 (no existence leak): an attached file to whoever sees its
 * instance (the same check as the instance's variables), an unattached one to its uploader only.
 */
async function readableFile(app: FastifyInstance, user: RequestUser, id: string): Promise<FileRecord> {
  const file = await app.files.get(id);
  if (!file) throw problems.notFound('File');
  if (file.instanceId === null) {
    if (file.uploadedBy !== user.username) throw problems.notFound('File');
  } else {
    try {
      await visibleInstance(app, user, file.instanceId);
    } catch (err) {
      // Hidden or gone: the file is not found either. Anything else (a lost database) stays itself.
      const code = (err as { code?: unknown }).code;
      if (code === 'NOT_FOUND' || code === 'INSTANCE_NOT_FOUND') throw problems.notFound('File');
      throw err;
    }
  }
  return file;
}

/** `attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function sendBytes(reply: FastifyReply, file: FileRecord, bytes: Buffer) {
  return reply
    .header('content-type', file.type.startsWith('text/') ? `${file.type}; charset=utf-8` : file.type)
    .header('content-disposition', contentDisposition(file.name))
    .header('content-length', String(bytes.length))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .send(bytes);
}

/** Upload (multipart, streamed, limited, sniffed, scanned), download, and the files of an instance. */
async function fileRoutes(app: FastifyInstance): Promise<void> {
  const settings = app.fileSettings;
  await app.register(multipart, {
    // One byte over our limit cuts the part (`truncated`); receiveFile answers 413.
    limits: { fileSize: settings.uploadLimit + 1, files: 1, fields: 10, parts: 11, headerPairs: 100 },
    throwFileSizeLimit: false,
  });

  app.post(
    '/api/files',
    {
      onRequest: requireUser(),
      // An upload is the first half of a form submission: a token needs what completing a task does.
      config: { scope: 'tasks' },
      schema: {
        tags: ['files'],
        consumes: ['multipart/form-data'],
        response: { 201: ref('fileInfo'), ...problemResponses },
      },
    },
    async (req, reply) => {
      const user = currentUser(req);
      const length = Number(req.headers['content-length']);
      if (Number.isFinite(length) && length > settings.uploadLimit + ENVELOPE_BYTES)
        throw fileTooLarge(settings.uploadLimit);
      if (!req.isMultipart())
        throw new HttpProblem(415, 'MULTIPART_REQUIRED', 'Send the file as multipart/form-data');
      const part = await req.file();
      if (!part) throw problems.badRequest('FILE_MISSING', 'The request holds no file');
      const name = sanitizeFileName(part.filename);
      const received = await receiveFile(part.file, part.mimetype, name, settings.uploadLimit);
      if (settings.scanCommand) {
        try {
          const verdict = await scanBytes(settings.scanCommand, received.bytes, settings.scanTimeoutMs);
          if (verdict === 'infected')
            throw new HttpProblem(
              422,
              'FILE_INFECTED',
              'The virus scan refused this file; nothing was stored',
            );
        } catch (err) {
          if (!(err instanceof ScanFailed)) throw err;
          req.log.warn({ err }, 'virus scan failed');
          throw new HttpProblem(503, 'SCAN_FAILED', 'The virus scan is unavailable; try again shortly', {
            retryAfterSeconds: 5,
          });
        }
      }
      const now = app.engine.clock.now();
      // Uploads no form attached in time go, a few at each upload (an index on their age).
      await app.files.purgeUnattached(new Date(now.getTime() - settings.expiryMs));
      const record: FileRecord = {
        id: randomUUID(),
        name,
        type: received.type,
        size: received.size,
        sha256: received.sha256,
        uploadedBy: user.username,
        instanceId: null,
        createdAt: now,
      };
      await app.files.insert({ ...record, bytes: received.bytes });
      return reply.code(201).send(infoOf(record));
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/files/:id',
    {
      onRequest: requireUser(),
      schema: { tags: ['files'], params: ref('idParams'), response: { ...problemResponses } },
    },
    async (req, reply) => {
      const file = await readableFile(app, currentUser(req), req.params.id);
      const bytes = await app.files.bytes(file.id);
      if (!bytes) throw problems.notFound('File');
      return sendBytes(reply, file, bytes);
    },
  );

  app.get<{ Querystring: FileListQuery }>(
    '/api/files',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['files'],
        querystring: ref('fileListQuery'),
        response: { 200: ref('fileList'), ...problemResponses },
      },
    },
    async (req) => {
      await visibleInstance(app, currentUser(req), req.query.instanceId);
      return { items: (await app.files.ofInstance(req.query.instanceId)).map(infoOf) };
    },
  );
}

/**
 * Files on forms, tasks and instances: decorates the app with the file store and settings (form
 * checks use them), and registers the routes in their own context (the multipart parser stays
 * there). Settings come from the environment (`fileSettingsFromEnv`).
 */
export const filesPlugin: FastifyPluginAsync<{ db: Kysely<unknown> }> = async (app, opts) => {
  app.decorate('files', fileQueries(opts.db as Kysely<FileTables>));
  app.decorate('fileSettings', fileSettingsFromEnv(process.env));
  await app.register(fileRoutes);
};
// Its decorations serve the whole app (form checks read them), as `shared` marks plugins.
shared(filesPlugin as FastifyPluginAsync);
