import { api } from './client.js';
import type { Definition, DefinitionList } from './types.js';

/** All deployed versions of one process, newest first. */
export async function definitionVersions(processId: string): Promise<Definition[]> {
  const page = await api.get<DefinitionList>('/api/definitions', { processId, limit: 200 });
  return [...page.items].filter((d) => d.processId === processId).sort((a, b) => b.version - a.version);
}

/** The BPMN XML of a deployed definition (the server may answer XML or `{ xml }`). */
export async function definitionXml(definitionId: string): Promise<string> {
  const text = await api.text(`/api/definitions/${encodeURIComponent(definitionId)}/xml`);
  if (text.trimStart().startsWith('{')) {
    const parsed = JSON.parse(text) as { xml?: string };
    return parsed.xml ?? '';
  }
  return text;
}
