import type { FromSchema } from 'json-schema-to-ts';

const mailSettingsProperties = {
  email: {
    type: ['string', 'null'],
    format: 'email',
    maxLength: 254,
    description: 'Where notification mails go; null: none',
  },
  mail: {
    type: 'string',
    enum: ['off', 'each', 'daily'],
    description: 'off: no mail; each: one mail per notification; daily: one digest a day',
  },
  language: {
    type: ['string', 'null'],
    enum: ['en', 'zh', null],
    description: "The mails' language; null: the account's language",
  },
} as const;

/** A user's mail settings, and whether this server sends mail at all. */
export const MailSettingsSchema = {
  $id: 'mailSettings',
  type: 'object',
  properties: {
    ...mailSettingsProperties,
    available: {
      type: 'boolean',
      description: 'false: this server has no SMTP server set up, so sends no mail',
    },
  },
  required: ['email', 'mail', 'language', 'available'],
} as const;
export type MailSettings = FromSchema<typeof MailSettingsSchema>;

/** Sets a user's mail settings: all three, every time (mail other than `off` needs an address). */
export const MailSettingsBodySchema = {
  $id: 'mailSettingsBody',
  type: 'object',
  properties: mailSettingsProperties,
  required: ['email', 'mail', 'language'],
  additionalProperties: false,
} as const;
export type MailSettingsBody = FromSchema<typeof MailSettingsBodySchema>;
