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

// A link of the topology (both directions together), keyed "a|b" with a < b.
export function linkKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
