import { lazy, Suspense } from 'react';
import type { DiagramDecorations } from './DiagramViewer.js';
import { Loading } from './Loading.js';

const DiagramViewer = lazy(() => import('./DiagramViewer.js'));

/** The diagram viewer behind a dynamic import, so pages without a diagram never load bpmn-js. */
export function LazyDiagram(props: {
  xml: string;
  decorations?: DiagramDecorations;
  height?: number;
  onElementClick?: (elementId: string) => void;
}) {
  return (
    <Suspense fallback={<Loading />}>
      <DiagramViewer {...props} />
    </Suspense>
  );
}
