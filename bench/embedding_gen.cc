#include "bench/embedding_gen.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <utility>

#include "emulator/topology.h"

namespace chainlab::bench {
namespace {

namespace emb = orchestration::embedding;
using Rng = std::mt19937_64;

struct LinkRes {
  double bandwidth = 0;
  double delay_ms = 0;
};

// CarrierTopoBuilder's resource dictionaries.
constexpr LinkRes kGwinCore{10000, 1.0};
constexpr LinkRes kGwinAggregation{1000, 5.0};
constexpr LinkRes kGwinAccess{100, 1.0};
constexpr LinkRes kPicoLink{100, 0.5};

emb::SubstrateNode make_switch(std::string id, double bandwidth) {
  emb::SubstrateNode n;
  n.id = std::move(id);
  n.infra_type = "SDN-SWITCH";
  n.delay_ms = 0.5;
  n.bandwidth = bandwidth;
  return n;
}

emb::SubstrateNode make_host(std::string id, emb::Capacity cap, double bandwidth,
                             std::vector<std::string> types) {
  emb::SubstrateNode n;
  n.id = std::move(id);
  n.infra_type = "EE";
  n.capacity = cap;
  n.delay_ms = 1.0;
  n.bandwidth = bandwidth;
  n.supported = std::move(types);
  return n;
}

emb::SubstrateNode make_sap(std::string id) {
  emb::SubstrateNode n;
  n.id = std::move(id);
  n.kind = emb::NodeKind::kSap;
  return n;
}

size_t add_node(emb::Substrate& s, emb::SubstrateNode n) {
  s.nodes.push_back(std::move(n));
  return s.nodes.size() - 1;
}

// NFFG.add_undirected_link: one directed link each way.
void add_link(emb::Substrate& s, size_t a, size_t b, LinkRes res) {
  for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
    emb::SubstrateLink l;
    l.id = s.nodes[x].id + "-" + s.nodes[y].id + "#" + std::to_string(s.links.size());
    l.src = x;
    l.dst = y;
    l.delay_ms = res.delay_ms;
    l.bandwidth = res.bandwidth;
    s.links.push_back(std::move(l));
  }
}

std::vector<std::string> letters(int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count && i < 26; ++i) {
    out.push_back(std::string(1, static_cast<char>('A' + i)));
  }
  return out;
}

// random.sample: `k` distinct elements, in draw order.
template <typename T>
std::vector<T> sample(std::vector<T> pool, size_t k, Rng& rng) {
  k = std::min(k, pool.size());
  for (size_t i = 0; i < k; ++i) {
    std::uniform_int_distribution<size_t> pick(i, pool.size() - 1);
    std::swap(pool[i], pool[pick(rng)]);
  }
  pool.resize(k);
  return pool;
}

// CarrierTopoBuilder.getName: "<prefix><n>", n counting per prefix.
class Names {
 public:
  std::string next(const std::string& prefix) { return prefix + std::to_string(count_[prefix]++); }

 private:
  std::map<std::string, int> count_;
};

struct Topology {
  std::vector<std::string> nodes;
  std::vector<std::pair<size_t, size_t>> edges;
};

// getSNDlib_dfn_gwin: core switches and links, then hosts and access switches with SAPs on
// random core nodes (two draws of three each).
emb::Substrate augment_gwin(const Topology& topo, uint64_t seed) {
  Rng rng(seed);
  emb::Substrate s;
  Names names;
  std::vector<size_t> core;
  for (const auto& id : topo.nodes) {
    core.push_back(add_node(s, make_switch(id, 40000)));
  }
  for (auto [a, b] : topo.edges) {
    add_link(s, core[a], core[b], kGwinCore);
  }
  auto two_draws = [&] {
    auto set = sample(core, 3, rng);
    auto more = sample(core, 3, rng);
    set.insert(set.end(), more.begin(), more.end());
    return set;
  };
  const auto types = letters(10);
  for (size_t n : two_draws()) {
    auto host = make_host(names.next(s.nodes[n].id + "Host"), {400, 320000, 1500}, 40000,
                          sample(types, 6, rng));
    add_link(s, n, add_node(s, std::move(host)), kGwinCore);
  }
  for (size_t n : two_draws()) {
    std::string core_id = s.nodes[n].id;
    size_t sw = add_node(s, make_switch(names.next(core_id + "Sw"), 40000));
    add_link(s, n, sw, kGwinAggregation);
    int saps = std::uniform_int_distribution<int>(3, 4)(rng);
    for (int i = 0; i < saps; ++i) {
      add_link(s, add_node(s, make_sap(names.next(core_id + "SAP"))), sw, kGwinAccess);
    }
  }
  return s;
}

// dfn-gwin from SNDlib (generator/dfn-gwin.gml), labels without their trailing dots.
Topology dfn_gwin() {
  Topology t;
  t.nodes = {"Leipzig",  "Hamburg", "Hannover", "Stutt", "Muenchen", "Koeln",
             "Erlangen", "Berlin",  "Essen",    "Frank", "IP"};
  t.edges = {{0, 7},  {0, 5},  {0, 4}, {1, 8}, {1, 7}, {1, 6}, {1, 3}, {1, 4}, {2, 9}, {2, 8},
             {2, 5},  {3, 8},  {3, 6}, {3, 5}, {4, 8}, {4, 7}, {4, 6}, {5, 6}, {6, 9}, {7, 8},
             {10, 9}, {10, 2}, {0, 8}, {0, 6}, {0, 3}, {0, 2}, {0, 1}, {0, 9}, {1, 9}, {1, 5},
             {1, 2},  {2, 7},  {2, 6}, {2, 4}, {2, 3}, {3, 9}, {3, 7}, {3, 4}, {4, 9}, {4, 5},
             {5, 9},  {5, 8},  {5, 7}, {6, 8}, {6, 7}, {7, 9}, {8, 9}};
  return t;
}

// A Topology Zoo / SNDlib GML file through the emulator's own bounded reader: its PoPs and
// switches are the core nodes, its links the core links.
Result<Topology> read_gml(const std::string& path) {
  CL_ASSIGN_OR_RETURN(emulator::Topology zoo, emulator::Topology::load_file(path));
  Topology t;
  std::map<std::string, size_t> by_name;
  for (const auto& pop : zoo.pops()) {
    by_name[pop.name] = t.nodes.size();
    t.nodes.push_back(pop.name);
  }
  for (const auto& sw : zoo.switches()) {
    by_name[sw.name] = t.nodes.size();
    t.nodes.push_back(sw.name);
  }
  for (const auto& link : zoo.links()) {
    t.edges.emplace_back(by_name.at(link.a), by_name.at(link.b));
  }
  return t;
}

emb::Request make_chain(const emb::Substrate& s, size_t nfs, const std::string& prefix,
                        const StreamParams& p, Rng& rng) {
  std::vector<std::string> saps;
  for (const auto& n : s.nodes) {
    if (n.kind == emb::NodeKind::kSap) {
      saps.push_back(n.id);
    }
  }
  emb::Request r;
  r.id = prefix;
  if (saps.empty()) {
    return r;
  }
  std::uniform_int_distribution<size_t> pick_sap(0, saps.size() - 1);
  std::string first = saps[pick_sap(rng)];
  std::string last = first;
  while (saps.size() > 1 && last == first) {
    last = saps[pick_sap(rng)];
  }
  r.saps.push_back({first, ""});
  if (last != first) {
    r.saps.push_back({last, ""});
  }
  const auto types = letters(p.nf_types);
  std::uniform_int_distribution<size_t> pick_type(0, types.size() - 1);
  std::uniform_int_distribution<int> cpu(1, std::max(1, p.max_cpu));
  std::uniform_real_distribution<double> unit(0, 1);
  emb::Requirement e2e{prefix + "-e2e", {}, std::nullopt, 0};
  std::string prev = first;
  for (size_t i = 0; i <= nfs; ++i) {
    std::string next = i < nfs ? prefix + "-nf" + std::to_string(i) : last;
    if (i < nfs) {
      emb::NfRequest nf;
      nf.id = next;
      nf.functional_type = types[pick_type(rng)];
      nf.demand.cpu = cpu(rng);
      nf.demand.mem = unit(rng) * p.max_mem;
      nf.demand.storage = unit(rng) * p.max_storage;
      r.nfs.push_back(std::move(nf));
    }
    emb::HopRequest hop;
    hop.id = prefix + "-h" + std::to_string(i);
    hop.src = prev;
    hop.dst = next;
    e2e.path.push_back(hop.id);
    r.hops.push_back(std::move(hop));
    prev = next;
  }
  e2e.max_delay_ms = std::uniform_real_distribution<double>(p.min_delay_ms, p.max_delay_ms)(rng);
  e2e.bandwidth = unit(rng) * p.max_bandwidth;
  r.requirements.push_back(std::move(e2e));
  return r;
}

}  // namespace

emb::Substrate pico_substrate(uint64_t /*seed*/) {
  emb::Substrate s;
  size_t sw = add_node(s, make_switch("sw0", 100));
  auto infra = [&](int i) {
    return add_node(s, make_host("infra" + std::to_string(i), {90, 32000, 200}, 1000, letters(10)));
  };
  // getPicoTopo: a ring infra0 - infra1 - infra2 - infra3 - infra0; each also on the switch and
  // on its own SAP.
  size_t first = infra(0);
  size_t prev = first;
  for (int i = 0; i < 4; ++i) {
    size_t next = i == 3 ? first : infra(i + 1);
    size_t sap = add_node(s, make_sap("sap" + std::to_string(i)));
    add_link(s, sw, next, kPicoLink);
    add_link(s, prev, next, kPicoLink);
    add_link(s, next, sap, kPicoLink);
    prev = next;
  }
  return s;
}

emb::Substrate gwin_substrate(uint64_t seed) {
  return augment_gwin(dfn_gwin(), seed);
}

Result<emb::Substrate> gml_substrate(const std::string& path, uint64_t seed) {
  CL_ASSIGN_OR_RETURN(Topology topo, read_gml(path));
  return augment_gwin(topo, seed);
}

emb::Substrate random_substrate(size_t nodes, uint64_t seed) {
  Rng rng(seed);
  emb::Substrate s;
  size_t saps = std::max<size_t>(2, nodes / 10);
  size_t infras = nodes > saps ? nodes - saps : 1;
  const auto types = letters(10);
  std::uniform_real_distribution<double> delay(0.5, 5.0);
  std::bernoulli_distribution is_host(0.5);
  for (size_t i = 0; i < infras; ++i) {
    std::string id = "n" + std::to_string(i);
    add_node(s, i == 0 || is_host(rng)
                    ? make_host(id, {400, 320000, 1500}, 40000, sample(types, 6, rng))
                    : make_switch(id, 40000));
  }
  // A random spanning tree keeps it connected; extra links add alternative paths.
  for (size_t i = 1; i < infras; ++i) {
    size_t parent = std::uniform_int_distribution<size_t>(0, i - 1)(rng);
    add_link(s, parent, i, {10000, delay(rng)});
  }
  std::uniform_int_distribution<size_t> any(0, infras - 1);
  for (size_t i = 0; infras > 1 && i < infras / 2; ++i) {
    size_t a = any(rng);
    size_t b = any(rng);
    if (a != b) {
      add_link(s, a, b, {10000, delay(rng)});
    }
  }
  for (size_t i = 0; i < saps; ++i) {
    size_t sap = add_node(s, make_sap("sap" + std::to_string(i)));
    add_link(s, sap, any(rng), kGwinAccess);
  }
  return s;
}

emb::Substrate scarce_substrate(size_t nodes, uint64_t seed) {
  emb::Substrate s = random_substrate(nodes, seed);
  Rng rng(seed ^ 0x5ca4ce);
  auto uniform = [&](double lo, double hi) {
    return std::round(std::uniform_real_distribution<double>(lo, hi)(rng));
  };
  for (auto& n : s.nodes) {
    if (n.kind == emb::NodeKind::kInfra && n.capacity.cpu > 0) {
      n.capacity.cpu = uniform(2, 12);
    }
    n.delay_ms = n.kind == emb::NodeKind::kInfra ? uniform(0, 3) / 2 : 0;
    n.cost = uniform(0, 2);
  }
  // Both directions of a link alike: they were added in pairs.
  for (size_t l = 0; l + 1 < s.links.size(); l += 2) {
    double bw = uniform(50, 400);
    double delay = uniform(1, 10);
    double cost = uniform(1, 4);
    for (size_t d : {l, l + 1}) {
      s.links[d].bandwidth = bw;
      s.links[d].delay_ms = delay;
      s.links[d].cost = cost;
    }
  }
  return s;
}

std::vector<StreamEvent> request_stream(const emb::Substrate& substrate, size_t count,
                                        uint64_t seed, const StreamParams& params) {
  Rng rng(seed);
  std::exponential_distribution<double> gap(params.arrival_rate);
  std::exponential_distribution<double> life(1.0 / params.mean_lifetime);
  std::uniform_int_distribution<size_t> length(1, static_cast<size_t>(std::max(1, params.max_nfs)));
  std::vector<StreamEvent> out;
  double now = 0;
  for (size_t i = 0; i < count; ++i) {
    StreamEvent e;
    now += gap(rng);
    e.time = now;
    e.request = make_chain(substrate, length(rng), "r" + std::to_string(i), params, rng);
    e.lifetime = life(rng);
    out.push_back(std::move(e));
  }
  return out;
}

emb::Request random_chain(const emb::Substrate& substrate, size_t nfs, uint64_t seed,
                          const StreamParams& params) {
  Rng rng(seed);
  return make_chain(substrate, nfs, "chain", params, rng);
}

}  // namespace chainlab::bench
