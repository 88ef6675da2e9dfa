// The dashboard: polls the run's monitoring views every second, follows its event stream, and
// renders the topology, the tables and the selected instance.
import "uplot/dist/uPlot.min.css";
import "./style.css";

import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

import { ApiError, getJson, hasToken } from "./api";
import { InstanceDetail } from "./detail";
import { Chain, FlowSample, Graph, InstanceSample, InterfaceSample, LinkSample, RunEvent } from "./model";
import { ChainsTable, EventsList, InstancesTable, LinksTable } from "./panels";
import { OpenStackPanel } from "./openstack";
import { ServicesPanel } from "./services";
import { TopologyView } from "./topology";

const kPollMs = 1000;
const kEventsKept = 200;

interface Info {
  name: string;
  prefix: string;
}
interface Pop {
  label: string;
  vnf_list: string[];
  "ext SAP list": string[];
}

interface Live {
  instances: InstanceSample[];
  interfaces: InterfaceSample[];
  links: LinkSample[];
  flows: FlowSample[];
}

const kEmpty: Live = { instances: [], interfaces: [], links: [], flows: [] };

async function readLive(): Promise<Live> {
  const [i, f, l, fl] = await Promise.all([
    getJson<{ instances: InstanceSample[] }>("/restapi/monitor/instances"),
    getJson<{ interfaces: InterfaceSample[] }>("/restapi/monitor/interfaces"),
    getJson<{ links: LinkSample[] }>("/restapi/monitor/links"),
    getJson<{ flows: FlowSample[] }>("/restapi/monitor/flows"),
  ]);
  return { instances: i.instances, interfaces: f.interfaces, links: l.links, flows: fl.flows };
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
  const [error, setError] = useState("");
  const [tick, setTick] = useState(0);
  const [structureVersion, setStructureVersion] = useState(0);
  const [selected, setSelected] = useState<{ kind: string; id: string } | null>(null);
  const [chain, setChain] = useState<string | null>(null);

  const refreshStructure = () => setStructureVersion((v) => v + 1);
  // Events that change the graph re-read it, at most every half second (500 instances starting
  // are 500 events: one re-read, not 500).
  const pending = useRef(false);
  const loaded = useRef(Date.now());
  const events = useEvents((e) => {
    if (e.time_ms >= loaded.current && /^(instance|chain|service)\./.test(e.type) && !pending.current) {
      pending.current = true;
      setTimeout(() => {
        pending.current = false;
        refreshStructure();
      }, 500);
    }
  });

  useEffect(() => {
    view.current = new TopologyView(graphBox.current!, (kind, id) => setSelected({ kind, id }));
    // The graph for automation and the browser's console (it is drawn on a canvas).
    (window as unknown as { chainlabDashboard: object }).chainlabDashboard = { cy: view.current.cy };
    getJson<Info>("/emulator/info").then(setInfo, (e) => setError(e.message));
    const timer = setInterval(() => setTick((t) => t + 1), kPollMs);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    Promise.all([getJson<Graph>("/restapi/network/d3jsgraph"), getJson<Pop[]>("/restapi/datacenter"), getJson<Chain[]>("/restapi/network")])
      .then(([graph, pops, chainList]) => {
        const popOf = new Map<string, string>();
        for (const p of pops) {
          for (const name of [...p.vnf_list, ...p["ext SAP list"]]) {
            popOf.set(name, p.label);
          }
        }
        view.current!.setGraph(graph, popOf);
        setChains(chainList);
      })
      .catch((e) => setError(e.message));
  }, [structureVersion]);

  useEffect(() => {
    readLive().then(
      (l) => {
        setLive(l);
        setError("");
        view.current!.setLinks(l.links);
        view.current!.setStates(new Map(l.instances.map((i) => [i.instance, i.state])));
        if (tick % 30 === 0) {
          refreshStructure(); // a safety net: the events say when the graph changes
        }
      },
      (e: ApiError) => setError(e.status === 401 && !hasToken ? "open the URL `chainlab run` printed (with #token=...)" : e.message),
    );
  }, [tick]);

  useEffect(() => {
    view.current?.highlight(chains.find((c) => c.id === chain) ?? null);
  }, [chain, chains]);

  const instance = selected?.kind === "instance" ? live.instances.find((i) => i.instance === selected.id) : undefined;
  return (
    <div class="page">
      <header>
        <h1>chainlab</h1>
        <span id="run-name">{info ? `${info.name} (run ${info.prefix})` : ""}</span>
        <span class="counts">
          {live.instances.length} instances · {chains.length} chains
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
          <ChainsTable chains={chains} flows={live.flows} selected={chain} onSelect={setChain} />
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
