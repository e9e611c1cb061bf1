import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  addBatonFormKeywords,
  FILE_FORMAT,
  FILE_ID_PATTERN,
  FormDocumentSchema,
  TemplateManifestSchema,
} from '@baton/schemas';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { getTemplate, TEMPLATE_IDS, type TemplateForm, templates } from '../src/index.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => void;
const TODAY = new Date('2026-03-02T09:00:00Z');

function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  addBatonFormKeywords(ajv, () => TODAY);
  ajv.addFormat(FILE_FORMAT, FILE_ID_PATTERN);
  return ajv;
}

function form(formId: string): TemplateForm {
  const found = templates.flatMap((t) => t.forms).find((f) => f.formId === formId);
  if (!found) throw new Error(`no form ${formId}`);
  return found;
}

/** The JSON pointers of every error the form reports for `data` (empty when valid). */
function errorPointers(formId: string, data: unknown): string[] {
  const validate = newAjv().compile(form(formId).schema);
  validate(data);
  return (validate.errors ?? []).map((e) =>
    e.keyword === 'required' ? `${e.instancePath}/${e.params.missingProperty}` : e.instancePath,
  );
}

describe('template manifests', () => {
  it('lists the six templates in gallery order', () => {
    expect(templates.map((t) => t.manifest.id)).toEqual([...TEMPLATE_IDS]);
    expect(getTemplate('work-request')?.manifest.practice).toBe(4);
    expect(getTemplate('nope')).toBeUndefined();
  });

  it.each(TEMPLATE_IDS)('%s: template.json satisfies the manifest schema and names its folder', (id) => {
    const template = getTemplate(id);
    const validate = newAjv().compile(TemplateManifestSchema);
    expect(validate(template?.manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(template?.manifest.id).toBe(id);
  });

  it.each(TEMPLATE_IDS)('%s: the manifest lists exactly the form files, and its start form', (id) => {
    const template = getTemplate(id);
    const files = readdirSync(fileURLToPath(new URL(`../${id}/forms/`, import.meta.url))).map((f) =>
      f.replace(/\.json$/, ''),
    );
    expect([...(template?.manifest.forms ?? [])].sort()).toEqual(files.sort());
    const startForm = template?.manifest.start.formId;
    if (startForm) {
      const required = (form(startForm).schema.required as string[]).slice().sort();
      expect([...(template?.manifest.start.variables ?? [])].sort()).toEqual(required);
    }
  });
});

describe('template forms', () => {
  const allForms = templates.flatMap((t) => t.forms.map((f) => [f.formId, f] as const));

  it.each(allForms)('%s compiles with Ajv 2020 in strict mode and is a valid form document', (_id, f) => {
    const ajv = newAjv();
    expect(() => ajv.compile(f.schema)).not.toThrow();
    const validateDocument = ajv.compile(FormDocumentSchema);
    const document = {
      formId: f.formId,
      name: f.names,
      schema: f.schema,
      uiSchema: f.uiSchema,
      i18n: f.i18n,
    };
    expect(validateDocument(document), JSON.stringify(validateDocument.errors)).toBe(true);
  });

  it.each(allForms)('%s has a Chinese label for every English title', (_id, f) => {
    const english: string[] = [];
    const chinese: string[] = [];
    const walk = (node: unknown, out: string[]): void => {
      if (Array.isArray(node)) for (const item of node) walk(item, out);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'title' && typeof value === 'string') out.push(value);
          else walk(value, out);
        }
      }
    };
    walk(f.schema, english);
    walk(f.schemaZh, chinese);
    expect(chinese).toHaveLength(english.length);
    for (const title of chinese) expect(title).toMatch(/[\u4e00-\u9fff]/);
  });

  it('wants a numeric target and a future deadline for a SMART goal', () => {
    // given
    const draft = {
      goal: {
        title: 'Grow monthly active users',
        specific: 'Raise monthly active users of the site',
        metric: 'Monthly active users',
        baseline: 10000,
        target: 12000,
        achievable: 'Two campaigns and an onboarding rework',
        relevant: 'Active users drive revenue this year',
        deadline: '2026-06-01',
      },
      responsibilities: [
        { member: 'sam', role: 'Content', duties: 'Writes and publishes two articles a week' },
      ],
    };
    // then
    expect(errorPointers('goal-charter-draft', draft)).toEqual([]);
    expect(
      errorPointers('goal-charter-draft', { ...draft, goal: { ...draft.goal, target: 'lots' } }),
    ).toContain('/goal/target');
    expect(
      errorPointers('goal-charter-draft', { ...draft, goal: { ...draft.goal, deadline: '2026-03-01' } }),
    ).toContain('/goal/deadline');
    expect(errorPointers('goal-charter-draft', { ...draft, responsibilities: [] })).toContain(
      '/responsibilities',
    );
  });

  it('keeps ratings between 1 and 5', () => {
    expect(errorPointers('training-feedback', { rating: 5 })).toEqual([]);
    expect(errorPointers('training-feedback', { rating: 0 })).toContain('/rating');
    expect(errorPointers('training-feedback', { rating: 6 })).toContain('/rating');
    expect(
      errorPointers('monthly-review-evaluation', { rating: 3.5, feedback: 'Solid month overall' }),
    ).toContain('/rating');
  });

  it('requires an owner and a future due date on every action item', () => {
    const base = { agenda: 'Updates', minutes: 'We went through every update' };
    const item = { title: 'Fix the signup funnel', owner: 'kim', due: '2026-03-09' };
    expect(errorPointers('weekly-sync-minutes', { ...base, actionItems: [item] })).toEqual([]);
    expect(
      errorPointers('weekly-sync-minutes', { ...base, actionItems: [{ title: item.title, due: item.due }] }),
    ).toContain('/actionItems/0/owner');
    expect(
      errorPointers('weekly-sync-minutes', { ...base, actionItems: [{ title: item.title, owner: 'kim' }] }),
    ).toContain('/actionItems/0/due');
    expect(
      errorPointers('monthly-review-retro', {
        wentWell: 'Shipping',
        toImprove: 'Planning',
        actions: [{ ...item, due: '2020-01-01' }],
      }),
    ).toContain('/actions/0/due');
  });

  it('asks for comments when a reviewer sends something back', () => {
    expect(errorPointers('goal-charter-review', { reviewDecision: 'approve' })).toEqual([]);
    expect(errorPointers('goal-charter-review', { reviewDecision: 'sendBack' })).toContain('/reviewComments');
    expect(
      errorPointers('goal-charter-review', { reviewDecision: 'sendBack', reviewComments: 'too short' }),
    ).toContain('/reviewComments');
    expect(errorPointers('goal-charter-review', { reviewDecision: 'maybe' })).toContain('/reviewDecision');
    expect(errorPointers('work-request-triage', { triageDecision: 'accept' })).toContain('/worker');
    expect(errorPointers('conflict-vote', { accept: false })).toContain('/comment');
    expect(errorPointers('conflict-acknowledge', { acknowledged: false })).toContain('/acknowledged');
  });
});
