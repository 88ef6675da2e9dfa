// Shapes of the REST answers the dashboard reads (docs/rest-api.md, docs/monitoring.md).

export interface GraphNode {
  name: string;
  group: number; // 1 PoP, 2 switch, 3 instance, 4 SAP
}
export interface Graph {
  nodes: GraphNode[];
  links: { source: number; target: number }[];
}

export interface InstanceSample {
  pop: string;
  instance: string;
  state: string;
  cpu_cores: number;
  cpu_limit_cores: number;
  memory_bytes: number;
  memory_limit_bytes: number;
  processes: number;
}

export interface Rates {
  packets: number;
  bytes: number;
  packets_per_s: number;
  bytes_per_s: number;
}

export interface InterfaceSample {
  pop: string;
  instance: string;
  interface: string;
  rx: Rates;
  tx: Rates;
}

export interface LinkSample extends Rates {
  link: string;
  from: string;
  to: string;
  delay_ms: number;
  rate_mbps: number;
  loss_percent: number;
  dropped_loss: number;
  dropped_queue: number;
  queued: number;
}

export interface FlowSample extends Rates {
  pop: string;
  cookie: number;
  rules: number;
}

export interface Chain {
  id: string;
  vnf_src_name: string;
  vnf_src_interface: string;
  vnf_dst_name: string;
  vnf_dst_interface: string;
  cookie: number;
  path: string[];
  vlan: number;
}

// GET /restapi/elan: members as "vnf:intf", the nodes the segment spans.
export interface Elan {
  name: string;
  vlan: number;
  members: string[];
  tree: string[];
}

export interface ElanSample extends Rates {
  elan: string;
}

// A PoP as GET /restapi/datacenter answers; GraphML imports put coordinates in its metadata.
export interface Pop {
  label: string;
  vnf_list: string[];
  "ext SAP list": string[];
  metadata?: Record<string, string>;
}

// What the graph is drawn from (re-read when events say it changed).
export interface Structure {
  graph: Graph;
  popOf: Map<string, string>; // instance or SAP -> its PoP
  elans: Elan[];
  geo: Map<string, { lat: number; lon: number }>; // PoPs with coordinates
}

// Elements to highlight: a chain's or an E-LAN's.
export interface Highlight {
  nodes: string[];
  edges: string[];
}

export interface RunEvent {
  id: number;
  time_ms: number;
  type: string;
  data: Record<string, unknown>;
}

export interface Snapshot {
  time_ms: number;
  instances: InstanceSample[];
  interfaces: InterfaceSample[];
  links: LinkSample[];
  flows: FlowSample[];
}

export function elanNodeId(name: string): string {
  return `elan:${name}`;
}

export function memberInstance(member: string): string {
  return member.split(":")[0];
}

export function chainHighlight(c: Chain): Highlight {
  const hops = [c.vnf_src_name, ...c.path, c.vnf_dst_name];
  return { nodes: hops, edges: hops.slice(1).map((h, i) => linkKey(hops[i], h)) };
}

// The E-LAN's node, its members and the nodes it spans, with the links between those nodes.
export function elanHighlight(e: Elan): Highlight {
  const id = elanNodeId(e.name);
  const members = e.members.map(memberInstance);
  const edges = members.map((m) => `${id}|${m}`);
  e.tree.forEach((a, i) => e.tree.slice(i + 1).forEach((b) => edges.push(linkKey(a, b))));
  return { nodes: [id, ...members, ...e.tree], edges };
}

// A link of the topology (both directions together), keyed "a|b" with a < b.
export function linkKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
