import { describe, expect, it } from 'vitest';
import { en } from '../../app/en.js';
import { translate } from '../../app/i18n-core.js';
import { humanMessage, localizeSchema, openingData, withUserPickers } from './form-data.js';

const ack = {
  type: 'object',
  properties: {
    acknowledged: { type: 'boolean', const: true, title: 'I acknowledge the decision' },
    comment: { type: 'string', title: 'Comment' },
  },
};

describe('openingData', () => {
  it('leaves out process variables that merely share a field name', () => {
    // given another party's answers in the process variables
    const variables = { acknowledged: true, comment: 'by lee', party: 'kim' };
    // when / then
    expect(openingData(variables, null, ack, {})).toEqual({});
  });

  it('fills the fields the form declares it reads, overlaid by the draft', () => {
    const variables = { acknowledged: true, comment: 'mine before', other: 1 };
    const ui = { 'ui:prefill': ['comment', 'other'] };
    expect(openingData(variables, null, ack, ui)).toEqual({ comment: 'mine before' });
    expect(openingData(variables, { acknowledged: true }, ack, ui)).toEqual({
      comment: 'mine before',
      acknowledged: true,
    });
  });
});

describe('withUserPickers', () => {
  it('renders userPicker fields with the user widget, array items included', () => {
    const ui = withUserPickers({
      lead: { 'ui:options': { userPicker: true } },
      members: { items: { 'ui:options': { userPicker: true } } },
      note: { 'ui:widget': 'textarea' },
    });
    expect(ui).toMatchObject({
      lead: { 'ui:widget': 'user' },
      members: { items: { 'ui:widget': 'user' } },
      note: { 'ui:widget': 'textarea' },
    });
  });
});

describe('form texts', () => {
  it('relabels fields and options from JSON pointers without touching the original', () => {
    const schema = {
      type: 'object',
      properties: { impact: { title: 'Impact', oneOf: [{ const: 'low', title: 'Low' }] } },
    };
    const zh = localizeSchema(schema, {
      '/properties/impact/title': '影响',
      '/properties/impact/oneOf/0/title': '低',
    });
    expect(zh).toMatchObject({ properties: { impact: { title: '影响', oneOf: [{ title: '低' }] } } });
    expect(schema.properties.impact.title).toBe('Impact');
  });

  it('words a validation error with the field title, in English and Chinese', () => {
    const error = {
      name: 'required',
      property: '.comment',
      message: "must have required property 'comment'",
      stack: '',
    };
    const { key, params } = humanMessage(error, ack);
    expect(translate('en', key, params)).toBe('Please fill in “Comment”.');
    expect(translate('zh', key, params)).toBe('请填写“Comment”。');
    const tick = humanMessage(
      { name: 'const', property: '.acknowledged', params: { allowedValue: true }, stack: '' },
      ack,
    );
    expect(translate('en', tick.key, tick.params)).toBe('Please tick “I acknowledge the decision”.');
    expect(Object.keys(en)).toContain(key);
  });
});
