import { useMemo } from 'react';
import { api } from '../../api/client.js';
import { definitionXml } from '../../api/definitions.js';
import type { HistoryList } from '../../api/types.js';
import { useAsync } from '../../app/use-async.js';
import { elementLabels } from '../../components/element-labels.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/Loading.js';
import { Timeline } from '../../components/Timeline.js';

/** Token moves are noise for a requester; people's steps remain. */
const MOVEMENT = new Set(['element.entered', 'element.left', 'element.completed', 'flow.taken']);

/** A request's timeline with step names, loaded when it is opened. */
export function RequestTimeline({ instanceId, definitionId }: { instanceId: string; definitionId: string }) {
  const history = useAsync(
    () =>
      api
        .get<HistoryList>(`/api/instances/${instanceId}/history`, { limit: 1000 })
        .then((page) => page.items.filter((e) => !MOVEMENT.has(e.type))),
    [instanceId],
  );
  const xml = useAsync(() => definitionXml(definitionId), [definitionId]);
  const labels = useMemo(() => elementLabels(xml.data ?? ''), [xml.data]);
  if (history.loading && !history.data) return <Loading />;
  if (!history.data) return <ErrorMessage error={history.error} />;
  return <Timeline events={history.data} labels={labels} />;
}
