// The dashboard: polls the run's monitoring views every second, follows its event stream, and
// renders the topology, the tables and the selected instance.
import "uplot/dist/uPlot.min.css";
import "./style.css";

import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

import { ApiError, getJson, hasToken } from "./api";
import { InstanceDetail } from "./detail";
import {
  Chain, Elan, ElanSample, FlowSample, Graph, Highlight, InstanceSample, InterfaceSample, LinkSample, Pop, RunEvent, Structure,
  chainHighlight, elanHighlight,
} from "./model";
import { ChainsTable, ElansTable, EventsList, InstancesTable, LinksTable } from "./panels";
import { OpenStackPanel } from "./openstack";
import { ServicesPanel } from "./services";
import { TopologyView } from "./topology";

const kPollMs = 1000;
const kSparkPoints = 60;
const kEventsKept = 200;

interface Info {
  name: string;
  prefix: string;
}
interface Live {
  instances: InstanceSample[];
  interfaces: InterfaceSample[];
  links: LinkSample[];
  flows: FlowSample[];
  elans: ElanSample[];
}

const kEmpty: Live = { instances: [], interfaces: [], links: [], flows: [], elans: [] };

async function readLive(): Promise<Live> {
  const [i, f, l, fl, e] = await Promise.all([
    getJson<{ instances: InstanceSample[] }>("/restapi/monitor/instances"),
    getJson<{ interfaces: InterfaceSample[] }>("/restapi/monitor/interfaces"),
    getJson<{ links: LinkSample[] }>("/restapi/monitor/links"),
    getJson<{ flows: FlowSample[] }>("/restapi/monitor/flows"),
    getJson<{ elans: ElanSample[] }>("/restapi/monitor/elans"),
  ]);
  return { instances: i.instances, interfaces: f.interfaces, links: l.links, flows: fl.flows, elans: e.elans };
}

// Appends each instance's CPU to its last minute (a new array: the sparkline redraws on a change);
// instances gone are forgotten.
function keepCpuHistory(history: Map<string, number[]>, instances: InstanceSample[]): void {
  const seen = new Set<string>();
  for (const i of instances) {
    seen.add(i.instance);
    history.set(i.instance, [...(history.get(i.instance) ?? []), i.cpu_cores].slice(-kSparkPoints));
  }
  for (const name of [...history.keys()].filter((n) => !seen.has(n))) {
    history.delete(name);
  }
}

// A latitude or longitude of a PoP's metadata (a decimal string); undefined when absent or not one.
function coordinate(text: string | undefined): number | undefined {
  const v = text?.trim() ? Number(text) : NaN;
  return Number.isFinite(v) ? v : undefined;
}

async function readStructure(): Promise<Structure & { chains: Chain[] }> {
  const [graph, pops, chains, elans] = await Promise.all([
    getJson<Graph>("/restapi/network/d3jsgraph"),
    getJson<Pop[]>("/restapi/datacenter"),
    getJson<Chain[]>("/restapi/network"),
    getJson<Elan[]>("/restapi/elan"),
  ]);
  const popOf = new Map<string, string>();
  const geo: Structure["geo"] = new Map();
  for (const p of pops) {
    for (const name of [...p.vnf_list, ...p["ext SAP list"]]) {
      popOf.set(name, p.label);
    }
    const [lat, lon] = [coordinate(p.metadata?.latitude), coordinate(p.metadata?.longitude)];
    if (lat !== undefined && lon !== undefined) {
      geo.set(p.label, { lat, lon });
    }
  }
  return { graph, popOf, elans, geo, chains };
}

// Follows /restapi/events by long polling (an EventSource cannot send the token).
function useEvents(onEvent: (e: RunEvent) => void): RunEvent[] {
  const [events, setEvents] = useState<RunEvent[]>([]);
  useEffect(() => {
    let stopped = false;
    (async () => {
      let since = 0;
      while (!stopped) {
        try {
          const batch = await getJson<RunEvent[]>(`/restapi/events?stream=0&since=${since}&wait=20`);
          if (batch.length > 0) {
            since = batch[batch.length - 1].id;
            batch.forEach(onEvent);
            setEvents((old) => [...batch.reverse(), ...old].slice(0, kEventsKept));
          }
        } catch {
          await new Promise((r) => setTimeout(r, 2000)); // the run went away: retry
        }
      }
    })();
    return () => {
      stopped = true;
    };
  }, []);
  return events;
}

function App() {
  const graphBox = useRef<HTMLDivElement>(null);
  const view = useRef<TopologyView | null>(null);
  const [info, setInfo] = useState<Info | null>(null);
  const [live, setLive] = useState<Live>(kEmpty);
  const [chains, setChains] = useState<Chain[]>([]);
  const [elans, setElans] = useState<Elan[]>([]);
  const [error, setError] = useState("");
  const [tick, setTick] = useState(0);
  const [structureVersion, setStructureVersion] = useState(0);
  const [selected, setSelected] = useState<{ kind: string; id: string } | null>(null);
  const cpuHistory = useRef(new Map<string, number[]>());
  // The chain or E-LAN whose path is highlighted.
  const [path, setPath] = useState<{ kind: "chain" | "elan"; id: string } | null>(null);

  const refreshStructure = () => setStructureVersion((v) => v + 1);
  // Events that change the graph re-read it, at most every half second (500 instances starting
  // are 500 events: one re-read, not 500).
  const pending = useRef(false);
  const loaded = useRef(Date.now());
  const events = useEvents((e) => {
    if (e.time_ms >= loaded.current && /^(instance|chain|elan|service)\./.test(e.type) && !pending.current) {
      pending.current = true;
      setTimeout(() => {
        pending.current = false;
        refreshStructure();
      }, 500);
    }
  });

  useEffect(() => {
    view.current = new TopologyView(graphBox.current!, (kind, id) => {
      setSelected({ kind, id });
      if (kind === "elan") {
        setPath({ kind, id: id.replace(/^elan:/, "") });
      }
    });
    // The graph for automation and the browser's console (it is drawn on a canvas).
    (window as unknown as { chainlabDashboard: object }).chainlabDashboard = { cy: view.current.cy };
    getJson<Info>("/emulator/info").then(setInfo, (e) => setError(e.message));
    const timer = setInterval(() => setTick((t) => t + 1), kPollMs);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    readStructure()
      .then((s) => {
        view.current!.setGraph(s);
        setChains(s.chains);
        setElans(s.elans);
      })
      .catch((e) => setError(e.message));
  }, [structureVersion]);

  useEffect(() => {
    readLive().then(
      (l) => {
        keepCpuHistory(cpuHistory.current, l.instances);
        setLive(l);
        setError("");
        view.current!.setLinks(l.links);
        view.current!.setElanRates(l.elans);
        view.current!.setStates(new Map(l.instances.map((i) => [i.instance, i.state])));
        if (tick % 30 === 0) {
          refreshStructure(); // a safety net: the events say when the graph changes
        }
      },
      (e: ApiError) => setError(e.status === 401 && !hasToken ? "open the URL `chainlab run` printed (with #token=...)" : e.message),
    );
  }, [tick]);

  useEffect(() => {
    let h: Highlight | null = null;
    if (path?.kind === "chain") {
      const c = chains.find((x) => x.id === path.id);
      h = c ? chainHighlight(c) : null;
    } else if (path?.kind === "elan") {
      const e = elans.find((x) => x.name === path.id);
      h = e ? elanHighlight(e) : null;
    }
    view.current?.highlight(h);
  }, [path, chains, elans]);
  const choose = (kind: "chain" | "elan") => (id: string | null) => setPath(id === null ? null : { kind, id });

  const instance = selected?.kind === "instance" ? live.instances.find((i) => i.instance === selected.id) : undefined;
  return (
    <div class="page">
      <header>
        <h1>chainlab</h1>
        <span id="run-name">{info ? `${info.name} (run ${info.prefix})` : ""}</span>
        <span class="counts">
          {live.instances.length} instances · {chains.length} chains · {elans.length} E-LANs
        </span>
        {error && <span id="error">{error}</span>}
      </header>
      <main>
        <div id="graph" ref={graphBox} />
        <aside>
          <h2>Instances</h2>
          <InstancesTable
            instances={live.instances}
            interfaces={live.interfaces}
            cpuHistory={cpuHistory.current}
            selected={instance?.instance ?? null}
            onSelect={(id) => setSelected({ kind: "instance", id })}
          />
          <h2>Links</h2>
          <LinksTable
            links={live.links}
            selected={selected?.kind === "link" ? selected.id : null}
            onSelect={(id) => setSelected({ kind: "link", id })}
          />
          <h2>Chains</h2>
          <ChainsTable chains={chains} flows={live.flows} selected={path?.kind === "chain" ? path.id : null} onSelect={choose("chain")} />
          <h2>E-LANs</h2>
          <ElansTable elans={elans} samples={live.elans} selected={path?.kind === "elan" ? path.id : null} onSelect={choose("elan")} />
        </aside>
      </main>
      {instance && <InstanceDetail instance={instance} interfaces={live.interfaces} tick={Math.floor(tick / 5)} />}
      <section>
        <h2>Services (gatekeeper)</h2>
        <ServicesPanel tick={tick} />
      </section>
      <section>
        <h2>OpenStack (read-only)</h2>
        <OpenStackPanel tick={tick} />
      </section>
      <section>
        <h2>Events</h2>
        <EventsList events={events} />
      </section>
    </div>
  );
}

render(<App />, document.getElementById("app")!);
