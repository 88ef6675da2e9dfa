// The OpenStack PoPs of the run, read-only: servers, networks and stacks per PoP
// (GET /restapi/openstack; the OpenStack APIs themselves want Keystone tokens).
import { useEffect, useState } from "preact/hooks";

import { getJson } from "./api";

interface PopView {
  pop: string;
  servers: { id: string; name: string; instance: string; status: string }[];
  networks: { id: string; name: string; status: string; cidrs: string[] }[];
  stacks: { id: string; name: string; status: string }[];
}

export function OpenStackPanel(props: { tick: number }) {
  const [pops, setPops] = useState<PopView[] | null>(null);
  useEffect(() => {
    getJson<PopView[]>("/restapi/openstack").then(setPops, () => setPops([]));
  }, [Math.floor(props.tick / 5)]);
  if (pops === null) {
    return null;
  }
  if (pops.length === 0) {
    return <p class="muted">This run has no OpenStack PoPs (topology: a PoP's endpoints.openstack).</p>;
  }
  return (
    <table id="openstack">
      <thead>
        <tr>
          <th>PoP</th><th>servers</th><th>networks</th><th>stacks</th>
        </tr>
      </thead>
      <tbody>
        {pops.map((p) => (
          <tr key={p.pop} data-pop={p.pop}>
            <td>{p.pop}</td>
            <td>
              {p.servers.map((s) => (
                <div key={s.id} data-server={s.name}>
                  {s.name} <span class="muted">({s.instance}, {s.status})</span>
                </div>
              ))}
            </td>
            <td>
              {p.networks.map((n) => (
                <div key={n.id} data-network={n.name}>
                  {n.name} <span class="muted">{n.cidrs.join(", ")}</span>
                </div>
              ))}
            </td>
            <td>
              {p.stacks.map((s) => (
                <div key={s.id} data-stack={s.name}>
                  {s.name} <span class="muted">({s.status})</span>
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
