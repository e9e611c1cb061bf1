/**
 * A compact description of a template process: its lanes, its nodes placed on a grid, and its
 * flows. `build.ts` turns it into Zeebe-flavoured BPMN XML with a diagram (DI) laid out
 * left-to-right with stacked lanes, so the diagram never has to be nudged by hand.
 */

export type NodeKind =
  | 'startEvent'
  | 'endEvent'
  | 'intermediateCatchEvent'
  | 'intermediateThrowEvent'
  | 'boundaryEvent'
  | 'userTask'
  | 'serviceTask'
  | 'sendTask'
  | 'scriptTask'
  | 'callActivity'
  | 'subProcess'
  | 'exclusiveGateway'
  | 'parallelGateway';

export interface NodeSpec {
  readonly id: string;
  readonly kind: NodeKind;
  readonly name: string;
  readonly doc?: string;
  /** The lane (role) the node is drawn in; boundary events take their host's. */
  readonly lane?: string;
  /** Grid column (left to right) and row within the lane (top to bottom). */
  readonly col?: number;
  readonly row?: number;
  /** The embedded subprocess that contains this node. */
  readonly parent?: string;
  /** Extra XML attributes on the element (already escaped values are not expected). */
  readonly attrs?: Readonly<Record<string, string>>;
  /** Children of `zeebe` extension elements (XML strings). */
  readonly ext?: readonly string[];
  /** Other children after incoming/outgoing: event definitions, loop characteristics. */
  readonly body?: readonly string[];
  /** Boundary events: host, interrupting or not, which edge, which slot along it. */
  readonly attachedTo?: string;
  readonly cancelActivity?: boolean;
  readonly side?: 'top' | 'bottom';
  readonly slot?: number;
  /** Boundary events: centre the event under this node instead of using a slot. */
  readonly alignWith?: string;
  /** Draw an event's or gateway's label above it (when flows leave from below). */
  readonly labelAbove?: boolean;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Bounds {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** How a flow is drawn; `auto` picks from the relative positions of its ends. */
export type Route = 'auto' | 'straight' | 'h' | 'v' | 'hv' | 'up' | 'down';

export interface FlowSpec {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly name?: string;
  /** FEEL condition, with the leading `=`. */
  readonly when?: string;
  /** The default flow of its (gateway or activity) source. */
  readonly isDefault?: boolean;
  readonly route?: Route;
  /** Explicit waypoints, for the few flows the router cannot draw cleanly. */
  readonly points?: (bounds: (id: string) => Bounds) => Point[];
}

export interface LaneSpec {
  /** The lane's name, which is also the candidate group of its tasks. */
  readonly name: string;
  readonly rows?: number;
}

export interface ProcessSpec {
  /** Template id (folder name); also the BPMN process id. */
  readonly id: string;
  readonly name: string;
  readonly doc: string;
  readonly lanes: readonly LaneSpec[];
  readonly nodes: readonly NodeSpec[];
  readonly flows: readonly FlowSpec[];
  /** Root elements beside the process (escalations, messages, errors), as XML. */
  readonly rootElements?: readonly string[];
}
