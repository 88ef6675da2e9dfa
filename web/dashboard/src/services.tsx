// The gatekeeper's services (SONATA/5GTANGO packages) and their instances: upload a .son/.tgo,
// instantiate, terminate — the calls `chainlab package upload` and `chainlab service` make, sent
// to the run's gatekeeper (its own port; the page's CSP names its origin).
import { useEffect, useState } from "preact/hooks";

import { getJson, request } from "./api";

interface Service {
  uuid: string;
  nsd?: { name?: string; vendor?: string; version?: string };
}
interface ServiceInstance {
  service_instance_uuid: string;
  service_uuid: string;
  service_name?: string;
  status?: string;
  vnfs?: { name: string; pop: string }[];
}

// Both API generations: tango answers lists, the SONATA dummy gatekeeper dicts around them.
function listOf<T>(answer: unknown, key: string): T[] {
  if (Array.isArray(answer)) {
    return answer as T[];
  }
  const inner = (answer as Record<string, unknown> | null)?.[key];
  return Array.isArray(inner) ? (inner as T[]) : [];
}

// A gatekeeper call: its JSON answer (null when empty).
async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const text = await (await request(method, url, body)).text();
  return text ? JSON.parse(text) : null;
}

export function ServicesPanel(props: { tick: number }) {
  const [base, setBase] = useState<string | null>(null);
  const [services, setServices] = useState<Service[]>([]);
  const [instances, setInstances] = useState<ServiceInstance[]>([]);
  const [status, setStatus] = useState("");
  const [version, setVersion] = useState(0);

  useEffect(() => {
    getJson<{ name: string; url: string }[]>("/emulator/endpoints").then(
      (list) => setBase(list.find((e) => e.name === "gatekeeper")?.url ?? ""),
      () => setBase(""),
    );
  }, []);
  useEffect(() => {
    if (!base) {
      return;
    }
    Promise.all([call(`${base}/services`, "GET"), call(`${base}/instantiations`, "GET")]).then(
      ([s, i]) => {
        setServices(listOf<Service>(s, "services"));
        setInstances(listOf<ServiceInstance>(i, "instances"));
      },
      (e) => setStatus(e.message),
    );
  }, [base, version, Math.floor(props.tick / 5)]);

  const act = async (what: string, fn: () => Promise<unknown>) => {
    setStatus(`${what}…`);
    try {
      await fn();
      setStatus(`${what}: done`);
    } catch (e) {
      setStatus(`${what}: ${(e as Error).message}`);
    }
    setVersion((v) => v + 1);
  };
  const upload = (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) {
      return;
    }
    const form = new FormData();
    form.append("package", file, file.name);
    act(`uploading ${file.name}`, () => call(`${base}/packages`, "POST", form));
    input.value = "";
  };
  if (base === "") {
    return <p class="muted">This run has no gatekeeper (topology: emulator.gatekeeper_port).</p>;
  }
  return (
    <div id="services">
      <label class="upload">
        upload a package (.son, .tgo) <input type="file" name="package" accept=".son,.tgo,.zip" onChange={upload} />
      </label>
      <span id="service-status" class="status">{status}</span>
      <table id="service-list">
        <thead>
          <tr><th>service</th><th>vendor</th><th>version</th><th>uuid</th><th /></tr>
        </thead>
        <tbody>
          {services.map((s) => (
            <tr key={s.uuid} data-service={s.nsd?.name ?? s.uuid}>
              <td>{s.nsd?.name}</td><td>{s.nsd?.vendor}</td><td>{s.nsd?.version}</td><td class="uuid">{s.uuid}</td>
              <td>
                <button class="instantiate" onClick={() => act(`instantiating ${s.nsd?.name ?? s.uuid}`, () =>
                  call(`${base}/instantiations`, "POST", { service_uuid: s.uuid }))}>
                  instantiate
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <table id="service-instances">
        <thead>
          <tr><th>instance</th><th>service</th><th>status</th><th>VNFs</th><th /></tr>
        </thead>
        <tbody>
          {instances.map((i) => (
            <tr key={i.service_instance_uuid} data-service-instance={i.service_instance_uuid}>
              <td class="uuid">{i.service_instance_uuid}</td>
              <td>{i.service_name}</td>
              <td>{i.status}</td>
              <td>{(i.vnfs ?? []).map((v) => `${v.name}@${v.pop}`).join(", ")}</td>
              <td>
                <button class="terminate" onClick={() => act(`terminating ${i.service_instance_uuid}`, () =>
                  call(`${base}/instantiations`, "DELETE",
                    { service_uuid: i.service_uuid, service_instance_uuid: i.service_instance_uuid }))}>
                  terminate
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
