import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseProcess } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

const LIMIT = 64 * 1024;
const SCANNER = fileURLToPath(new URL('./fixtures/scan-marker.mjs', import.meta.url));

/** A tiny but real PDF head: `file-type` knows it by `%PDF-`. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(17),
]);

function multipart(name: string, type: string, bytes: Buffer) {
  const boundary = `----baton${randomUUID()}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe.each(dialects())('files on %s', (dialect) => {
  let t: TestApp;
  let sam: Session;
  let kim: Session;
  let nora: Session;
  let maya: Session;

  const upload = (who: Session, name: string, type: string, bytes: Buffer) =>
    t.call(who, { method: 'POST', url: '/api/files', ...multipart(name, type, bytes) });
  /** Removes every unattached upload and says how many there were. */
  const purgeAll = () => t.app.files.purgeUnattached(new Date('9999-01-01T00:00:00Z'));
  const allFiles = async (id: string) => t.app.files.get(id);

  beforeAll(async () => {
    process.env.BATON_UPLOAD_LIMIT = String(LIMIT);
    process.env.BATON_SCAN_COMMAND = `${process.execPath} ${SCANNER}`;
    t = await createTestApp({ dialect });
    delete process.env.BATON_UPLOAD_LIMIT;
    delete process.env.BATON_SCAN_COMMAND;
    sam = await t.userSession('sam', ['staff'], ['staff']);
    kim = await t.userSession('kim', ['staff'], ['staff']);
    nora = await t.userSession('nora', []);
    maya = await t.userSession('maya', ['manager']);
    await t.saveForm('file-start', {
      type: 'object',
      properties: { title: { type: 'string' }, receipt: { type: 'string', format: 'baton-file' } },
      required: ['title'],
    });
    await t.saveForm('file-review', {
      type: 'object',
      properties: {
        decision: { type: 'string', enum: ['ok', 'reject'] },
        evidence: { type: 'array', items: { type: 'string', format: 'baton-file' } },
      },
      required: ['decision'],
    });
    await t.engine.deploy(expenseProcess('filed', { startForm: 'file-start', reviewForm: 'file-review' }));
  });
  afterAll(async () => t?.close());

  it('stores an upload with its hash, size and sniffed type, for its uploader only', async () => {
    // given / when
    const res = await upload(sam, 'C:\\fakepath\\报价:Q1|.pdf', 'application/pdf', PDF);
    // then
    expect(res.statusCode).toBe(201);
    const info = res.json();
    expect(info).toMatchObject({
      name: '报价Q1.pdf',
      type: 'application/pdf',
      size: PDF.length,
      sha256: createHash('sha256').update(PDF).digest('hex'),
      uploadedBy: 'sam',
      instanceId: null,
    });
    const mine = await t.call(sam, { method: 'GET', url: `/api/files/${info.id}` });
    expect(mine.statusCode).toBe(200);
    expect(mine.rawPayload.equals(PDF)).toBe(true);
    expect(mine.headers['content-type']).toBe('application/pdf');
    expect(mine.headers['content-disposition']).toBe(
      `attachment; filename="__Q1.pdf"; filename*=UTF-8''%E6%8A%A5%E4%BB%B7Q1.pdf`,
    );
    expect(mine.headers['x-content-type-options']).toBe('nosniff');
    // An unattached upload of someone else does not exist for them, not even for a manager.
    for (const other of [kim, maya]) {
      const res404 = await t.call(other, { method: 'GET', url: `/api/files/${info.id}` });
      expect(res404.statusCode).toBe(404);
      expect(res404.json().code).toBe('NOT_FOUND');
    }
  });

  it('refuses a file over the limit with 413 and stores nothing, streamed or announced', async () => {
    // given: one just over the limit (inside the envelope allowance, so it is streamed and cut),
    // and one whose announced length alone is too much
    await purgeAll();
    for (const size of [LIMIT + 1, LIMIT * 4]) {
      const bytes = Buffer.concat([PNG, Buffer.alloc(size - PNG.length, 7)]);
      // when
      const res = await upload(sam, 'big.png', 'image/png', bytes);
      // then
      expect(res.statusCode).toBe(413);
      expect(res.json().code).toBe('FILE_TOO_LARGE');
    }
    expect(await purgeAll()).toBe(0);
    const exact = await upload(
      sam,
      'exact.png',
      'image/png',
      Buffer.concat([PNG, Buffer.alloc(LIMIT - PNG.length, 7)]),
    );
    expect(exact.statusCode).toBe(201);
    expect(exact.json().size).toBe(LIMIT);
  });

  it('answers 413 over a real connection to a chunked upload far beyond the limit, keeping none of it', async () => {
    // given a streamed body of unknown length (no content-length): 4 MiB of PNG-looking bytes
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { payload, headers } = multipart(
      'huge.png',
      'image/png',
      Buffer.concat([PNG, Buffer.alloc(4 * 1024 * 1024, 1)]),
    );
    const chunks = Array.from({ length: Math.ceil(payload.length / 65536) }, (_, i) =>
      payload.subarray(i * 65536, (i + 1) * 65536),
    );
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    await purgeAll();
    // when
    const res = await fetch(`${address}/api/files`, {
      method: 'POST',
      headers: { ...sam.headers, ...headers },
      body,
      duplex: 'half',
    } as RequestInit);
    // then the whole body was read and dropped, and the answer is a problem, not a reset
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('FILE_TOO_LARGE');
    expect(await purgeAll()).toBe(0);
  });

  it('refuses a type not on the list, or one the bytes contradict, with 415', async () => {
    const cases: [string, string, Buffer][] = [
      ['tool.exe', 'application/octet-stream', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(400, 0x90)])],
      ['photo.png', 'image/png', PDF],
      ['notes.txt', 'text/plain', Buffer.from([0xde, 0xad, 0x00, 0xbe, 0xef, 0x01, 0x02])],
      ['page.html', 'text/html', Buffer.from('<html><script>alert(1)</script></html>')],
    ];
    for (const [name, type, bytes] of cases) {
      const res = await upload(sam, name, type, bytes);
      expect(res.statusCode, name).toBe(415);
      expect(res.json().code).toBe('FILE_TYPE_REFUSED');
    }
    const json = await t.call(sam, { method: 'POST', url: '/api/files', payload: { file: 'x' } });
    expect(json.statusCode).toBe(415);
    // Plain text without magic bytes is taken, and served as text with a charset.
    const text = await upload(sam, 'notes.txt', 'text/plain', Buffer.from('Agenda: 你好\n'));
    expect(text.statusCode).toBe(201);
    const back = await t.call(sam, { method: 'GET', url: `/api/files/${text.json().id}` });
    expect(back.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('stores nothing the virus scan refuses (422)', async () => {
    await purgeAll();
    const res = await upload(
      sam,
      'eicar.txt',
      'text/plain',
      Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('FILE_INFECTED');
    expect(await purgeAll()).toBe(0);
    const clean = await upload(sam, 'clean.txt', 'text/plain', Buffer.from('nothing to see'));
    expect(clean.statusCode).toBe(201);
  });

  it('attaches files on start and on completion; participants read them, strangers get 404', async () => {
    // given: sam uploads a receipt and starts with it
    const receipt = (await upload(sam, 'receipt.pdf', 'application/pdf', PDF)).json().id as string;
    const started = await t.call(sam, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'filed', variables: { title: 'Taxi', receipt } },
    });
    expect(started.statusCode).toBe(201);
    const instanceId = started.json().id as string;
    expect((await allFiles(receipt))?.instanceId).toBe(instanceId);

    // then: a candidate of its task (kim) and a manager read it; a stranger gets 404
    for (const who of [sam, kim, maya]) {
      expect((await t.call(who, { method: 'GET', url: `/api/files/${receipt}` })).statusCode).toBe(200);
    }
    expect((await t.call(nora, { method: 'GET', url: `/api/files/${receipt}` })).statusCode).toBe(404);
    expect(
      (await t.call(nora, { method: 'GET', url: `/api/files?instanceId=${instanceId}` })).statusCode,
    ).toBe(404);

    // when: kim completes the review with her own upload and the receipt already attached
    const task = (await t.engine.listTasks({ instanceId, state: 'created' })).items[0]!;
    const photo = (await upload(kim, 'photo.png', 'image/png', PNG)).json().id as string;
    const samsOther = (await upload(sam, 'other.pdf', 'application/pdf', PDF)).json().id as string;
    const refused = await t.call(kim, {
      method: 'POST',
      url: `/api/tasks/${task.id}/complete`,
      payload: { variables: { decision: 'ok', evidence: [photo, samsOther] } },
    });
    // sam's unattached upload is not kim's to hand in: refused, with the field named
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([{ pointer: '/evidence/1', message: expect.any(String) }]);
    expect((await allFiles(samsOther))?.instanceId).toBeNull();
    const done = await t.call(kim, {
      method: 'POST',
      url: `/api/tasks/${task.id}/complete`,
      payload: { variables: { decision: 'ok', evidence: [photo, receipt] } },
    });
    expect(done.statusCode).toBe(204);

    // then: both travel with the instance and are listed on it
    const list = await t.call(sam, { method: 'GET', url: `/api/files?instanceId=${instanceId}` });
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .items.map((f: { id: string }) => f.id)
        .sort(),
    ).toEqual([receipt, photo].sort());
    expect((await t.call(sam, { method: 'GET', url: `/api/files/${photo}` })).statusCode).toBe(200);
    expect((await t.call(nora, { method: 'GET', url: `/api/files/${photo}` })).statusCode).toBe(404);
  });

  it('refuses to start with someone else’s upload or an unknown id, and attaches nothing', async () => {
    const kims = (await upload(kim, 'k.pdf', 'application/pdf', PDF)).json().id as string;
    for (const receipt of [kims, randomUUID(), 'not-a-file-id']) {
      const res = await t.call(sam, {
        method: 'POST',
        url: '/api/instances',
        payload: { processId: 'filed', variables: { title: 'Taxi', receipt } },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('FORM_DATA_INVALID');
      expect(res.json().errors[0].pointer).toBe('/receipt');
    }
    expect((await allFiles(kims))?.instanceId).toBeNull();
  });

  it('lets an upload expire when no form attached it in time', async () => {
    const late = (await upload(sam, 'late.pdf', 'application/pdf', PDF)).json().id as string;
    t.clock.advance(25 * 3600_000);
    const res = await t.call(sam, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'filed', variables: { title: 'Late', receipt: late } },
    });
    expect(res.statusCode).toBe(400);
    // the next upload purges it
    await upload(sam, 'fresh.pdf', 'application/pdf', PDF);
    expect(await allFiles(late)).toBeNull();
  });
});
