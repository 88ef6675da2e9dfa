// The topology view: Cytoscape.js draws PoPs (instances inside them), switches, SAPs, links and
// E-LANs (a node joined to its members). Links are labelled with their delay, rate and loss and
// drawn wider with more traffic; a selected chain's or E-LAN's path is highlighted. The layout runs
// only when nodes appear, keeping the others in place; PoPs with coordinates (GraphML imports) are
// pinned where their latitude and longitude put them.
import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";

import { bits } from "./format";
import { ElanSample, Highlight, LinkSample, Structure, elanNodeId, linkKey, memberInstance } from "./model";

// fCoSE lays compound nodes out as groups (the built-in layouts interleave the PoPs' instances).
cytoscape.use(fcose);

const kStyle: cytoscape.StylesheetJson = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "font-size": 11,
      "text-valign": "bottom",
      "text-margin-y": 3,
      width: 22,
      height: 22,
      "min-zoomed-font-size": 8, // labels too small to read are not drawn (large topologies)
      "background-color": "#5b7db1",
    },
  },
  {
    selector: "node.pop",
    style: {
      shape: "round-rectangle",
      "background-color": "#e8eef7",
      "border-color": "#5b7db1",
      "border-width": 2,
      "text-valign": "top",
      "text-margin-y": -4,
      "font-weight": "bold",
      padding: "14px",
    },
  },
  { selector: "node.switch", style: { shape: "diamond", "background-color": "#7a7a7a" } },
  { selector: "node.sap", style: { shape: "triangle", "background-color": "#c98a2b" } },
  { selector: "node.instance", style: { "background-color": "#3c9a5f" } },
  { selector: "node.stopped", style: { "background-color": "#b33c3c" } },
  { selector: "node.elan", style: { shape: "hexagon", "background-color": "#8a5cc2", width: 26, height: 26 } },
  {
    selector: "edge",
    style: {
      width: "data(width)",
      "line-color": "#9aa9bd",
      "curve-style": "bezier",
      label: "data(label)",
      "font-size": 10,
      "min-zoomed-font-size": 8,
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.8,
      "text-background-padding": "2px",
    },
  },
  { selector: "edge.elan", style: { "line-style": "dashed", "line-color": "#b79ad8" } },
  { selector: "edge.path", style: { "line-color": "#e07b00" } },
  { selector: "node.path", style: { "border-color": "#e07b00", "border-width": 3 } },
  { selector: ":selected", style: { "overlay-opacity": 0.15, "overlay-color": "#e07b00" } },
];

function linkLabel(s: LinkSample): string {
  const parts = [`${+s.delay_ms.toFixed(2)} ms`];
  if (s.rate_mbps > 0) {
    parts.push(`${s.rate_mbps} Mbit/s`);
  }
  if (s.loss_percent > 0) {
    parts.push(`${s.loss_percent}% loss`);
  }
  return parts.join(" · ");
}

// Wider with traffic: 2 px idle, up to 12 px at 10 Gbit/s (log scale).
function linkWidth(bytesPerS: number): number {
  const mbps = (bytesPerS * 8) / 1e6;
  return 2 + Math.min(10, Math.log10(1 + mbps) * 2.5);
}

export class TopologyView {
  readonly cy: cytoscape.Core;
  private structure = "";
  private expanded = new Set<string>();
  private last: Structure | null = null;
  private states = new Map<string, string>();

  constructor(container: HTMLElement, onSelect: (kind: string, id: string) => void) {
    this.cy = cytoscape({ container, style: kStyle, minZoom: 0.1, maxZoom: 4 });
    this.cy.on("tap", "node, edge", (e) => {
      const t = e.target;
      if (t.data("kind") === "pop" && t.data("hidden") > 0) {
        this.expanded.add(t.id()); // a folded PoP opens on a click
        if (this.last) {
          this.setGraph(this.last);
        }
      }
      onSelect(t.isNode() ? t.data("kind") : "link", t.id());
    });
  }

  // Sets the graph; nodes already drawn keep their place. Returns true if the structure changed.
  // A PoP with more instances than this is drawn folded ("dc1 · 120 instances") until clicked:
  // hundreds of dots say less than the count, and cost seconds to lay out.
  static readonly kFoldAbove = 40;

  setGraph(s: Structure): boolean {
    this.last = s;
    const { graph, popOf } = s;
    const kinds = ["", "pop", "switch", "instance", "sap"];
    const perPop = new Map<string, number>();
    for (const n of graph.nodes) {
      const pop = kinds[n.group] === "instance" ? popOf.get(n.name) : undefined;
      if (pop) {
        perPop.set(pop, (perPop.get(pop) ?? 0) + 1);
      }
    }
    const folded = (pop: string | undefined) =>
      pop !== undefined && (perPop.get(pop) ?? 0) > TopologyView.kFoldAbove && !this.expanded.has(pop);
    const elements: cytoscape.ElementDefinition[] = [];
    const shown = new Set<string>();
    for (const n of graph.nodes) {
      const kind = kinds[n.group] ?? "switch";
      const parent = kind === "instance" ? popOf.get(n.name) : undefined;
      if (kind === "instance" && folded(parent)) {
        continue;
      }
      const hidden = kind === "pop" && folded(n.name) ? perPop.get(n.name)! : 0;
      const label = hidden > 0 ? `${n.name} · ${hidden} instances` : n.name;
      shown.add(n.name);
      elements.push({ group: "nodes", data: { id: n.name, kind, parent, label, hidden }, classes: kind });
    }
    for (const l of graph.links) {
      const a = graph.nodes[l.source]?.name;
      const b = graph.nodes[l.target]?.name;
      // An instance's attachment to its PoP is drawn by nesting it in the PoP.
      if (!a || !b || !shown.has(a) || !shown.has(b) || popOf.get(a) === b || popOf.get(b) === a) {
        continue;
      }
      elements.push({ group: "edges", data: { id: linkKey(a, b), source: a, target: b, width: 2, label: "" } });
    }
    elements.push(...elanElements(s, (name) => (shown.has(name) ? name : popOf.get(name))));
    const structure = JSON.stringify(elements.map((e) => [e.data.id, e.data.parent ?? "", e.data.label ?? ""]));
    if (structure === this.structure) {
      return false;
    }
    this.structure = structure;
    const first = this.cy.nodes().empty();
    const known = new Set(elements.map((e) => e.data.id));
    const fresh = elements.filter((e) => this.cy.getElementById(e.data.id!).empty());
    this.cy.batch(() => {
      this.cy.elements().filter((e) => !known.has(e.id())).remove();
      this.cy.add(fresh);
      // A node whose PoP changed is moved (Cytoscape re-creates it): only those, not every node.
      for (const e of elements) {
        const node = this.cy.getElementById(e.data.id!);
        if (e.group === "nodes" && (node.data("parent") ?? null) !== (e.data.parent ?? null)) {
          node.move({ parent: e.data.parent ?? null });
        }
        if (e.group === "nodes" && node.data("label") !== e.data.label) {
          node.data({ label: e.data.label, hidden: e.data.hidden });
        }
      }
    });
    if (fresh.some((e) => e.group === "nodes")) {
      this.placeNearNeighbours(fresh.filter((e) => e.group === "nodes").map((e) => e.data.id!));
      // The first drawing is laid out from scratch; later ones start where the nodes are.
      const pinned = this.geoPins(s.geo);
      this.cy
        .layout({
          name: "fcose",
          animate: false,
          randomize: first,
          fixedNodeConstraint: pinned.length > 0 ? pinned : undefined,
          // Instances are unconnected nodes inside their PoP: fCoSE tiles them. Packing the
          // graph's components is quadratic in unconnected nodes (seconds at 500): the PoPs and
          // switches form one component anyway.
          packComponents: false,
          quality: this.cy.nodes().length > 200 ? "draft" : "default",
          nodeDimensionsIncludeLabels: true,
          idealEdgeLength: () => 120,
          padding: 30,
        } as cytoscape.LayoutOptions)
        .run();
    }
    return true;
  }

  // PoPs with coordinates, projected (longitude east, latitude north) onto about 900 px. fCoSE
  // pins simple nodes only: a PoP drawn with its instances is pinned by its first instance.
  private geoPins(geo: Structure["geo"]): { nodeId: string; position: { x: number; y: number } }[] {
    if (geo.size < 2) {
      return [];
    }
    const lats = [...geo.values()].map((g) => g.lat);
    const lons = [...geo.values()].map((g) => g.lon);
    const span = Math.max(Math.max(...lats) - Math.min(...lats), Math.max(...lons) - Math.min(...lons), 1e-6);
    const scale = 900 / span;
    const pins = [];
    for (const [pop, g] of geo) {
      const node = this.cy.getElementById(pop);
      const anchor = node.isParent() ? node.children().first() : node;
      if (anchor.nonempty()) {
        pins.push({ nodeId: anchor.id(), position: { x: g.lon * scale, y: -g.lat * scale } });
      }
    }
    return pins;
  }

  // A new node starts beside its PoP or a neighbour already drawn (not on top of everything).
  private placeNearNeighbours(ids: string[]): void {
    const fresh = new Set(ids);
    for (const id of ids) {
      const node = this.cy.getElementById(id);
      const anchor = node.parent().nonempty() ? node.parent() : node.neighborhood("node");
      const placed = anchor.filter((n) => !fresh.has(n.id()));
      if (placed.nonempty()) {
        const p = placed.nodes().first().position();
        node.position({ x: p.x + 40 * (Math.random() - 0.5), y: p.y + 40 * (Math.random() - 0.5) });
      }
    }
  }

  // Labels and widths from the link samples (both directions of a link summed).
  setLinks(samples: LinkSample[]): void {
    const byKey = new Map<string, { sample: LinkSample; bytes: number }>();
    for (const s of samples) {
      const k = linkKey(s.from, s.to);
      const seen = byKey.get(k);
      byKey.set(k, { sample: s, bytes: (seen?.bytes ?? 0) + s.bytes_per_s });
    }
    this.cy.batch(() => {
      for (const [k, { sample, bytes }] of byKey) {
        const edge = this.cy.getElementById(k);
        const label = linkLabel(sample);
        const width = Math.round(linkWidth(bytes) * 2) / 2;
        // Unchanged data is not set again: every change redraws the whole canvas.
        if (edge.nonempty() && (edge.data("label") !== label || edge.data("width") !== width)) {
          edge.data({ label, width });
        }
      }
    });
  }

  // E-LAN nodes are labelled with their traffic (both directions of every member).
  setElanRates(samples: ElanSample[]): void {
    this.cy.batch(() => {
      for (const s of samples) {
        const node = this.cy.getElementById(elanNodeId(s.elan));
        const label = s.bytes_per_s > 0 ? `${s.elan} · ${bits(s.bytes_per_s)}` : s.elan;
        if (node.nonempty() && node.data("label") !== label) {
          node.data("label", label);
        }
      }
    });
  }

  // Highlights a chain's or an E-LAN's elements (null: none).
  highlight(h: Highlight | null): void {
    this.cy.batch(() => {
      this.cy.elements().removeClass("path");
      for (const id of [...(h?.nodes ?? []), ...(h?.edges ?? [])]) {
        this.cy.getElementById(id).addClass("path");
      }
    });
  }

  // Marks instances that are not running; touches only those whose state changed (a style change
  // on every node each second would cost more than the rest of an update).
  setStates(states: Map<string, string>): void {
    this.cy.batch(() => {
      for (const [name, state] of states) {
        if (this.states.get(name) !== state) {
          this.cy.getElementById(name).toggleClass("stopped", state !== "running");
        }
      }
    });
    this.states = states;
  }
}

// An E-LAN: a node (outside the PoPs: it may span several) with a dashed edge to each member,
// or to the member's PoP while that PoP is folded (`shownAs` says which node stands for it).
function elanElements(s: Structure, shownAs: (name: string) => string | undefined): cytoscape.ElementDefinition[] {
  const out: cytoscape.ElementDefinition[] = [];
  for (const e of s.elans) {
    const id = elanNodeId(e.name);
    out.push({ group: "nodes", data: { id, kind: "elan", label: e.name, hidden: 0 }, classes: "elan" });
    const ends = new Set(e.members.map((m) => shownAs(memberInstance(m))).filter((n) => n !== undefined));
    for (const end of ends) {
      out.push({ group: "edges", data: { id: `${id}|${end}`, source: id, target: end, width: 1.5, label: "" }, classes: "elan" });
    }
  }
  return out;
}
