import type { Bounds, FlowSpec, NodeSpec, Point, ProcessSpec } from './types.js';

/**
 * Grid layout: columns left to right, lanes stacked top to bottom, each lane `rows` rows high.
 * Nodes sit centred in their cell; an expanded subprocess wraps its children; boundary events
 * sit on their host's edge. Every size below is bpmn-js's default for the shape.
 */
export const COL_W = 150;
export const ROW_H = 140;
const POOL_X = 120;
const POOL_Y = 60;
const HEADER_W = 30;
const X0 = POOL_X + 2 * HEADER_W + 10;

const SIZES: Record<string, { width: number; height: number }> = {
  event: { width: 36, height: 36 },
  gateway: { width: 50, height: 50 },
  activity: { width: 100, height: 80 },
};

export interface Layout {
  readonly pool: Bounds;
  readonly lanes: ReadonlyMap<string, Bounds>;
  readonly nodes: ReadonlyMap<string, Bounds>;
  readonly flows: ReadonlyMap<string, Point[]>;
}

export function sizeOf(kind: NodeSpec['kind']): { width: number; height: number } {
  if (kind.endsWith('Event')) return SIZES.event as { width: number; height: number };
  if (kind.endsWith('Gateway')) return SIZES.gateway as { width: number; height: number };
  return SIZES.activity as { width: number; height: number };
}

export function layout(spec: ProcessSpec): Layout {
  const laneTop = new Map<string, number>();
  const lanes = new Map<string, Bounds>();
  let y = POOL_Y;
  const maxCol = Math.max(...spec.nodes.map((n) => n.col ?? 0));
  const poolWidth = X0 + (maxCol + 1) * COL_W + 20 - POOL_X;
  for (const lane of spec.lanes) {
    const height = (lane.rows ?? 1) * ROW_H;
    laneTop.set(lane.name, y);
    lanes.set(lane.name, { x: POOL_X + HEADER_W, y, width: poolWidth - HEADER_W, height });
    y += height;
  }
  const pool = { x: POOL_X, y: POOL_Y, width: poolWidth, height: y - POOL_Y };

  const nodes = new Map<string, Bounds>();
  const byId = new Map(spec.nodes.map((n) => [n.id, n]));
  const cellCenter = (n: NodeSpec): Point => {
    const top = laneTop.get(n.lane ?? '');
    if (top === undefined || n.col === undefined) throw new Error(`${n.id}: needs a known lane and a column`);
    return { x: X0 + n.col * COL_W + COL_W / 2, y: top + (n.row ?? 0) * ROW_H + ROW_H / 2 + 5 };
  };
  const plain = spec.nodes.filter((n) => n.kind !== 'boundaryEvent' && n.kind !== 'subProcess');
  for (const n of plain) {
    const c = cellCenter(n);
    const s = sizeOf(n.kind);
    nodes.set(n.id, { x: c.x - s.width / 2, y: c.y - s.height / 2, ...s });
  }
  // Subprocesses wrap their children (innermost first, so nesting works).
  const subs = spec.nodes.filter((n) => n.kind === 'subProcess').reverse();
  for (const sub of subs) {
    const children = spec.nodes.filter((n) => n.parent === sub.id && n.kind !== 'boundaryEvent');
    const boxes = children.map((c) => nodes.get(c.id)).filter((b): b is Bounds => b !== undefined);
    if (boxes.length === 0) throw new Error(`${sub.id}: an expanded subprocess needs children`);
    const left = Math.min(...boxes.map((b) => b.x)) - 25;
    const top = Math.min(...boxes.map((b) => b.y)) - 30;
    const right = Math.max(...boxes.map((b) => b.x + b.width)) + 25;
    const bottom = Math.max(...boxes.map((b) => b.y + b.height)) + 20;
    nodes.set(sub.id, { x: left, y: top, width: right - left, height: bottom - top });
  }
  for (const n of spec.nodes.filter((b) => b.kind === 'boundaryEvent')) {
    const host = nodes.get(n.attachedTo ?? '');
    if (!host) throw new Error(`${n.id}: unknown host ${n.attachedTo}`);
    const slot = n.slot ?? 0;
    const aligned = n.alignWith ? nodes.get(n.alignWith) : undefined;
    const x = aligned ? aligned.x + aligned.width / 2 - 18 : host.x + 10 + slot * 50;
    const yEdge = n.side === 'top' ? host.y : host.y + host.height;
    nodes.set(n.id, { x, y: yEdge - 18, width: 36, height: 36 });
  }

  const flows = new Map<string, Point[]>();
  const get = (id: string): Bounds => {
    const b = nodes.get(id);
    if (!b) throw new Error(`unknown node ${id}`);
    return b;
  };
  for (const f of spec.flows) {
    flows.set(f.id, f.points ? f.points(get) : route(f, get(f.from), get(f.to), byId.get(f.from)));
  }
  return { pool, lanes, nodes, flows };
}

const cx = (b: Bounds): number => b.x + b.width / 2;
const cy = (b: Bounds): number => b.y + b.height / 2;

function route(f: FlowSpec, s: Bounds, t: Bounds, source: NodeSpec | undefined): Point[] {
  const kind = source?.kind ?? '';
  const forward = cx(t) > cx(s);
  const above = cy(t) < cy(s);
  let r = f.route ?? 'auto';
  if (r === 'auto') {
    if (kind === 'boundaryEvent') r = Math.abs(cx(t) - cx(s)) < 1 ? 'straight' : 'v';
    else if (Math.abs(cx(t) - cx(s)) < 1) r = 'straight';
    else if (!forward) r = cy(t) <= cy(s) ? 'up' : 'down';
    else if (Math.abs(cy(t) - cy(s)) < 1) r = 'straight';
    else if (kind.endsWith('Gateway')) r = 'v';
    else if (f.to.startsWith('Gateway')) r = 'hv';
    else r = 'h';
  }
  const exitX = forward ? s.x + s.width : s.x;
  const enterX = forward ? t.x : t.x + t.width;
  switch (r) {
    case 'straight':
      if (Math.abs(cy(t) - cy(s)) < 1) return [p(exitX, cy(s)), p(enterX, cy(t))];
      return above ? [p(cx(s), s.y), p(cx(t), t.y + t.height)] : [p(cx(s), s.y + s.height), p(cx(t), t.y)];
    case 'v':
      return [p(cx(s), above ? s.y : s.y + s.height), p(cx(s), cy(t)), p(enterX, cy(t))];
    case 'hv':
      return [p(exitX, cy(s)), p(cx(t), cy(s)), p(cx(t), above ? t.y + t.height : t.y)];
    case 'h': {
      const midX = forward ? s.x + s.width + 25 : s.x - 25;
      return [p(exitX, cy(s)), p(midX, cy(s)), p(midX, cy(t)), p(enterX, cy(t))];
    }
    case 'up': {
      const channel = Math.min(s.y, t.y) - 25;
      return [p(cx(s), s.y), p(cx(s), channel), p(cx(t), channel), p(cx(t), t.y)];
    }
    case 'down': {
      const channel = Math.max(s.y + s.height, t.y + t.height) + 25;
      return [p(cx(s), s.y + s.height), p(cx(s), channel), p(cx(t), channel), p(cx(t), t.y + t.height)];
    }
    default:
      throw new Error(`unknown route ${r satisfies never}`);
  }
}

const p = (x: number, y: number): Point => ({ x: Math.round(x), y: Math.round(y) });
