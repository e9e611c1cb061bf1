import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { useEffect, useRef, useState } from 'react';
import './diagram-markers.css';
import { formatDuration } from './format.js';

/** What to paint on top of a diagram. Ids are BPMN element ids. */
export interface DiagramDecorations {
  /** Elements to outline (the task being worked on). */
  highlight?: readonly string[];
  /** Elements and sequence flows already passed. */
  completed?: readonly string[];
  /** Element id -> token count (active elements). */
  tokens?: Readonly<Record<string, number>>;
  /** Elements with an open incident. */
  incidents?: readonly string[];
  /** Element id -> time spent (ms), drawn as a heat map. */
  heat?: Readonly<Record<string, number>>;
}

interface Canvas {
  addMarker(id: string, marker: string): void;
  zoom(level: 'fit-viewport', center?: 'auto'): void;
}
interface Overlays {
  add(id: string, type: string, overlay: { position: Record<string, number>; html: HTMLElement }): void;
}
interface ElementRegistry {
  get(id: string): { width?: number; height?: number; waypoints?: unknown } | undefined;
}

function badge(className: string, text: string, title?: string): HTMLElement {
  const element = document.createElement('div');
  element.className = className;
  element.textContent = text;
  if (title) element.title = title;
  return element;
}

/** Heat from pale yellow (short) to red (longest). */
function heatColor(ratio: number): string {
  const hue = Math.round(55 - 55 * ratio);
  return `hsla(${hue}, 95%, 50%, ${0.25 + 0.45 * ratio})`;
}

function decorate(viewer: NavigatedViewer, decorations: DiagramDecorations): void {
  const canvas = viewer.get<Canvas>('canvas');
  const overlays = viewer.get<Overlays>('overlays');
  const registry = viewer.get<ElementRegistry>('elementRegistry');
  const known = (id: string) => !!registry.get(id);
  for (const id of decorations.completed ?? []) if (known(id)) canvas.addMarker(id, 'baton-done');
  for (const id of decorations.highlight ?? []) if (known(id)) canvas.addMarker(id, 'baton-highlight');
  for (const [id, count] of Object.entries(decorations.tokens ?? {})) {
    if (!known(id) || count <= 0) continue;
    canvas.addMarker(id, 'baton-active');
    overlays.add(id, 'baton-tokens', {
      position: { bottom: 10, left: -10 },
      html: badge('baton-token-badge', String(count)),
    });
  }
  for (const id of decorations.incidents ?? []) {
    if (!known(id)) continue;
    canvas.addMarker(id, 'baton-incident');
    overlays.add(id, 'baton-incident', {
      position: { top: -12, right: 12 },
      html: badge('baton-incident-badge', '!'),
    });
  }
  const heat = Object.entries(decorations.heat ?? {}).filter(([id]) => known(id));
  const max = Math.max(1, ...heat.map(([, ms]) => ms));
  for (const [id, ms] of heat) {
    const shape = registry.get(id);
    if (!shape || shape.waypoints || !shape.width || !shape.height) continue;
    const box = badge('baton-heat', formatDuration(ms), formatDuration(ms));
    box.style.width = `${shape.width}px`;
    box.style.height = `${shape.height}px`;
    box.style.background = heatColor(ms / max);
    overlays.add(id, 'baton-heat', { position: { top: 0, left: 0 }, html: box });
  }
}

/** A read-only, pannable BPMN diagram with optional overlays. Loaded lazily (bpmn-js is large). */
export default function DiagramViewer({
  xml,
  decorations = {},
  height = 420,
  onElementClick,
}: {
  xml: string;
  decorations?: DiagramDecorations;
  height?: number;
  /** Called with the BPMN id of a clicked shape (pages that let people pick an element). */
  onElementClick?: (elementId: string) => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  // Kept in a ref so a new callback never re-imports the diagram.
  const clicked = useRef(onElementClick);
  clicked.current = onElementClick;
  const [failure, setFailure] = useState<string | null>(null);
  const key = JSON.stringify(decorations);

  // biome-ignore lint/correctness/useExhaustiveDependencies: decorations are compared by value (key).
  useEffect(() => {
    if (!container.current) return;
    const viewer = new NavigatedViewer({ container: container.current });
    let alive = true;
    viewer.on('element.click', (event: { element: { id: string; type?: string } }) => {
      if (event.element.type !== 'bpmn:Process') clicked.current?.(event.element.id);
    });
    viewer
      .importXML(xml)
      .then(() => {
        if (!alive) return;
        viewer.get<Canvas>('canvas').zoom('fit-viewport', 'auto');
        decorate(viewer, decorations);
        setFailure(null);
      })
      .catch((error: unknown) => alive && setFailure(error instanceof Error ? error.message : String(error)));
    return () => {
      alive = false;
      viewer.destroy();
    };
  }, [xml, key]);

  return (
    <div className="diagram" style={{ height }} data-testid="diagram">
      {failure ? <div className="alert alert-error">{failure}</div> : null}
      <div ref={container} className="diagram-canvas" />
    </div>
  );
}
