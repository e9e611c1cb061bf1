import type { MailSettings, MailSettingsBody } from '@baton/schemas';
import { api } from '../../api/client.js';

export type { MailSettings, MailSettingsBody };

/** The signed-in user's mail settings (and whether the server sends mail at all). */
export function getMailSettings() {
  return api.get<MailSettings>('/api/mail-settings');
}

/** Replaces the signed-in user's mail settings; mail other than `off` needs an address. */
export function saveMailSettings(body: MailSettingsBody) {
  return api.put<MailSettings>('/api/mail-settings', body);
}
