// The "local" domain (frontends/escape/mdo/local_adapter.h) over the in-memory FakeControl: its
// view, parts deployed, updated and removed as instances and chains, its settings, and a
// service going through the orchestrator onto it.
#include "frontends/escape/mdo/local_adapter.h"

#include <set>
#include <utility>

#include <gtest/gtest.h>

#include "../../../fakes/fake_control.h"
#include "../../../fakes/test_topologies.h"
#include "../test_views.h"
#include "frontends/escape/mdo/orchestrator.h"

namespace chainlab::escape {
namespace {

using ::chainlab::testing::FakeControl;
using nlohmann::json;
using testing::chain_request;

// dc1 -(5 ms, 100 Mbps)- s1 -(unlimited)- dc2, and a second dc1-s1 link.
emulator::Topology topology() {
  emulator::Topology t = ::chainlab::testing::two_pops_and_a_switch();
  emulator::LinkSpec a;
  a.a = "dc1";
  a.b = "s1";
  a.bw_mbps = 100;
  a.delay_ns = 1'000'000;
  EXPECT_TRUE(t.add_link(a).ok());
  return t;
}

LocalSettings local_settings() {
  LocalSettings s;
  s.saps = {{"SAP1", "dc1"}, {"SAP2", "dc2"}, {"SAP3", "dc1"}};
  s.images = {{"fw", "img/fw"}, {"nat", "img/nat"}};
  return s;
}

struct Local {
  FakeControl control{topology()};
  LocalAdapter adapter{"loc", control, local_settings()};
};

struct NfAt {
  std::string id;
  std::string type;
  std::string pop;
};

json local_link(const std::string& id, const std::string& src, json src_port,
                const std::string& dst, json dst_port) {
  return {{"id", id},
          {"src_node", src},
          {"src_port", std::move(src_port)},
          {"dst_node", dst},
          {"dst_port", std::move(dst_port)}};
}

// Service `id`'s part as the orchestrator cuts it: dc1 and dc2 with SAP1 and SAP2 (the view's
// links), `nfs` attached to their PoPs as mapped_nffg attaches them (a link pair to the infra
// port "<pop>|<nf>|1") and the hops SAP1 -> nfs... -> SAP2, numbered from 1.
Nffg part(const std::string& id, const std::vector<NfAt>& nfs) {
  std::map<std::string, json> ports = {{"dc1", json::array({{{"id", 1}}})},
                                       {"dc2", json::array({{{"id", 1}}})}};
  json doc = {{"parameters", {{"id", id}, {"version", "1.0"}, {"mode", "ADD"}}}};
  doc["node_saps"] = json::array({{{"id", "SAP1"}, {"ports", json::array({{{"id", 1}}})}},
                                  {{"id", "SAP2"}, {"ports", json::array({{{"id", 1}}})}}});
  doc["edge_links"] = json::array(
      {local_link("dc1-SAP1", "dc1", 1, "SAP1", 1), local_link("dc2-SAP2", "dc2", 1, "SAP2", 1)});
  std::vector<std::string> path = {"SAP1"};
  for (const NfAt& nf : nfs) {
    std::string port = nf.pop + "|" + nf.id + "|1";
    ports[nf.pop].push_back({{"id", port}});
    doc["node_nfs"].push_back(
        {{"id", nf.id}, {"functional_type", nf.type}, {"ports", json::array({{{"id", 1}}})}});
    doc["edge_links"].push_back(local_link(port, nf.pop, port, nf.id, 1));
    doc["edge_links"].push_back(local_link(port + "-back", nf.id, 1, nf.pop, port));
    path.push_back(nf.id);
  }
  path.push_back("SAP2");
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    doc["edge_sg_nexthops"].push_back(local_link("", path[i], 1, path[i + 1], 1));
    doc["edge_sg_nexthops"].back()["id"] = i + 1;
  }
  for (const auto& [pop, p] : ports) {
    doc["node_infras"].push_back({{"id", pop}, {"type", "EE"}, {"ports", p}});
  }
  auto g = nffg_from_json(doc);
  EXPECT_TRUE(g.ok()) << g.error().message << "\n" << doc.dump(2);
  return g.ok() ? *g : Nffg{};
}

std::set<std::pair<std::string, std::string>> chains(FakeControl& control) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& c : control.list_chains()) {
    EXPECT_FALSE(c.request.bidirectional) << c.id;
    out.emplace(c.request.src, c.request.dst);
  }
  return out;
}

const EdgeLink* link_between(const Nffg& g, const std::string& a, const std::string& b) {
  for (const EdgeLink& l : g.edge_links) {
    if (l.src_node.str() == a && l.dst_node.str() == b) {
      return &l;
    }
  }
  return nullptr;
}

TEST(LocalAdapterTest, ViewHasThePopsSwitchesLinksAndSaps) {
  Local l;
  EXPECT_EQ(l.adapter.name(), "loc");
  EXPECT_EQ(l.adapter.kind(), "local");
  auto view = l.adapter.view();
  ASSERT_TRUE(view.ok()) << view.error().message;
  ASSERT_TRUE(nffg_from_json(to_json(*view)).ok()) << "links name existing nodes and ports";
  ASSERT_EQ(view->node_infras.size(), 3u);
  const NodeInfra* dc1 = view->infra(Id("dc1"));
  ASSERT_NE(dc1, nullptr);
  EXPECT_EQ(dc1->type, "EE");
  EXPECT_EQ(*dc1->resources->cpu, kLocalUnlimited) << "the fake's PoPs have the none model";
  EXPECT_EQ(*dc1->resources->mem, kLocalUnlimited);
  EXPECT_EQ(*dc1->resources->delay, 0);
  ASSERT_TRUE(dc1->supported.has_value());
  EXPECT_EQ(*dc1->supported, (std::vector<std::string>{"fw", "nat"})) << "the images' types";
  EXPECT_EQ(dc1->ports.size(), 4u) << "two links, SAP1 and SAP3";
  const NodeInfra* s1 = view->infra(Id("s1"));
  ASSERT_NE(s1, nullptr);
  EXPECT_EQ(s1->type, "SDN-SWITCH");
  EXPECT_EQ(*s1->resources->cpu, 0);
  EXPECT_FALSE(s1->supported.has_value());
  EXPECT_EQ(view->infra(Id("dc2"))->type, "EE");

  const EdgeLink* fast = link_between(*view, "dc1", "s1");
  ASSERT_NE(fast, nullptr);
  EXPECT_EQ(fast->id.str(), "dc1-s1");
  EXPECT_EQ(*fast->delay, 5.0);
  EXPECT_EQ(*fast->bandwidth, 100.0);
  const EdgeLink* open = link_between(*view, "s1", "dc2");
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(*open->delay, 0.0);
  EXPECT_EQ(*open->bandwidth, kLocalUnlimited);
  EXPECT_EQ(view->edge_links[2].id.str(), "dc1-s1-2");
  EXPECT_EQ(*view->edge_links[2].delay, 1.0);
  EXPECT_NE(view->edge_links[0].src_port, view->edge_links[2].src_port);

  ASSERT_EQ(view->node_saps.size(), 3u);
  ASSERT_NE(view->sap(Id("SAP2")), nullptr);
  EXPECT_EQ(view->sap(Id("SAP2"))->ports.size(), 1u);
  const EdgeLink* access = link_between(*view, "SAP2", "dc2");
  ASSERT_NE(access, nullptr);
  EXPECT_EQ(access->src_port, Id::number(int64_t{1}));
  EXPECT_EQ(*access->delay, 0.0);
  EXPECT_NE(view->infra(Id("dc2"))->port(access->dst_port), nullptr);
  EXPECT_NE(link_between(*view, "SAP3", "dc1"), nullptr);
  auto again = l.adapter.view();
  EXPECT_EQ(to_json(*again), to_json(*view)) << "ids are stable";
}

TEST(LocalAdapterTest, SupportedTypesComeFromTheSettings) {
  FakeControl control{topology()};
  LocalSettings listed;
  listed.supported = std::vector<std::string>{"dpi"};
  listed.images = {{"fw", "img/fw"}};
  LocalAdapter a("a", control, listed);
  EXPECT_EQ(a.view()->infra(Id("dc1"))->supported.value_or(std::vector<std::string>{}),
            (std::vector<std::string>{"dpi"}));
  // Neither: no list, so only NFs without a functional type fit (no wildcard in the embedding).
  LocalAdapter b("b", control, LocalSettings{});
  EXPECT_FALSE(b.view()->infra(Id("dc1"))->supported.has_value());
  EXPECT_TRUE(b.view()->node_saps.empty());
}

TEST(LocalAdapterTest, APartStartsItsNfsAndSapsAndChainsItsHops) {
  Local l;
  Status s = l.adapter.deploy("s1", part("s1", {{"f1", "fw", "dc1"}, {"f2", "dpi", "dc2"}}));
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto& instances = l.control.instances();
  ASSERT_EQ(instances.size(), 4u);
  EXPECT_EQ(instances.at("s1-f1").pop, "dc1");
  EXPECT_EQ(instances.at("s1-f1").image, "img/fw");
  EXPECT_EQ(instances.at("s1-f2").pop, "dc2");
  EXPECT_EQ(instances.at("s1-f2").image, "dpi") << "no image listed: the type's own name";
  EXPECT_EQ(instances.at("s1-SAP1").pop, "dc1");
  EXPECT_EQ(instances.at("s1-SAP2").pop, "dc2");
  EXPECT_EQ(chains(l.control),
            (std::set<std::pair<std::string, std::string>>{
                {"s1-SAP1", "s1-f1"}, {"s1-f1", "s1-f2"}, {"s1-f2", "s1-SAP2"}}));
}

TEST(LocalAdapterTest, AnotherPartOfTheSameServiceUpdatesIt) {
  Local l;
  ASSERT_TRUE(l.adapter.deploy("s1", part("s1", {{"f1", "fw", "dc1"}, {"f2", "fw", "dc2"}})).ok());
  Status s = l.adapter.deploy(
      "s1", part("s1", {{"f1", "fw", "dc1"}, {"f2", "fw", "dc1"}, {"f3", "nat", "dc2"}}));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(l.control.calls(FakeControl::Op::kStartCompute), 6) << "f2 moved, f3 added";
  const auto& instances = l.control.instances();
  ASSERT_EQ(instances.size(), 5u);
  EXPECT_EQ(instances.at("s1-f2").pop, "dc1");
  EXPECT_EQ(instances.at("s1-f3").image, "img/nat");
  EXPECT_EQ(chains(l.control).size(), 4u);
  EXPECT_EQ(chains(l.control).count({"s1-f3", "s1-SAP2"}), 1u);
}

TEST(LocalAdapterTest, AFailedUpdateBringsTheEarlierVersionBack) {
  Local l;
  ASSERT_TRUE(l.adapter.deploy("s1", part("s1", {{"f1", "fw", "dc1"}, {"f2", "fw", "dc2"}})).ok());
  auto before = chains(l.control);
  l.control.fail_nth(FakeControl::Op::kStartCompute, 1);
  Status s = l.adapter.deploy("s1", part("s1", {{"f1", "fw", "dc1"}, {"f2", "fw", "dc1"}}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(l.control.instances().size(), 4u);
  EXPECT_EQ(l.control.instances().at("s1-f2").pop, "dc2");
  EXPECT_EQ(chains(l.control), before);
}

TEST(LocalAdapterTest, RemoveTakesEverythingAway) {
  Local l;
  ASSERT_TRUE(l.adapter.deploy("s1", part("s1", {{"f1", "fw", "dc1"}, {"f2", "fw", "dc2"}})).ok());
  ASSERT_TRUE(l.adapter.remove("s1").ok());
  EXPECT_TRUE(l.control.empty());
  EXPECT_TRUE(l.adapter.remove("s1").ok()) << "gone already";
  EXPECT_TRUE(l.adapter.remove("never-deployed").ok());
  EXPECT_TRUE(l.adapter.deploy("s1", part("s1", {{"f1", "fw", "dc2"}})).ok()) << "a fresh deploy";
  EXPECT_EQ(l.control.instances().at("s1-f1").pop, "dc2");
}

TEST(LocalAdapterTest, OnlySapsAHopNamesAndThatHaveAPopAreStarted) {
  Local l;
  Nffg p = part("s1", {{"f1", "fw", "dc1"}});
  // SAP3 is at dc1 but no hop names it; "border" is another domain's (no PoP here) and its hop
  // is dropped with it; SAP2's hop names a port the view's SAP does not have.
  p.node_saps.emplace_back().id = Id("SAP3");
  p.node_saps.back().ports.emplace_back().id = Id::number(int64_t{1});
  p.node_saps.emplace_back().id = Id("border");
  p.node_saps.back().ports.emplace_back().id = Id::number(int64_t{1});
  SgHop in;
  static_cast<LinkEnds&>(in) = {Id("9"), Id("border"), Id::number(int64_t{1}), Id("f1"),
                                Id::number(int64_t{1})};
  p.edge_sg_nexthops.push_back(in);
  p.edge_sg_nexthops[1].dst_port = Id("7");
  auto g = l.adapter.placed_graph("s1", p);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->id, "s1");
  ASSERT_EQ(g->saps.size(), 2u);
  EXPECT_EQ(g->sap("SAP2")->binding.pop, "dc2");
  EXPECT_EQ(g->sap("SAP2")->ports.size(), 2u);
  EXPECT_EQ(g->eline("9"), nullptr);
  EXPECT_EQ(g->function("f1")->host, "dc1");
  ASSERT_TRUE(l.adapter.deploy("s1", p).ok());
  EXPECT_EQ(l.control.instances().size(), 3u);
  EXPECT_EQ(l.control.instances().count("s1-border"), 0u);
  EXPECT_EQ(chains(l.control).size(), 2u);
}

TEST(LocalAdapterTest, ASapWithoutSettingsBindsToThePopItIsLinkedTo) {
  FakeControl control{topology()};
  LocalAdapter a("a", control, LocalSettings{});
  auto g = a.placed_graph("s1", part("s1", {{"f1", "fw", "dc2"}}));
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->sap("SAP1")->binding.pop, "dc1");
  EXPECT_EQ(g->function("f1")->image, "fw");
}

AdapterSpec spec(json settings) {
  return AdapterSpec{"loc", "local", std::move(settings), ""};
}

std::string settings_error(json settings) {
  FakeControl control{topology()};
  auto a = make_local_adapter(spec(std::move(settings)), control);
  return a.ok() ? "" : a.error().message;
}

TEST(LocalAdapterTest, SettingsErrorsNameTheField) {
  EXPECT_EQ(settings_error({{"file", "x.nffg"}}), "domains.loc.file: unknown key");
  EXPECT_EQ(settings_error({{"saps", json::array()}}), "domains.loc.saps: expected an object");
  EXPECT_EQ(settings_error({{"saps", {{"SAP1", 5}}}}), "domains.loc.saps.SAP1: expected a string");
  EXPECT_EQ(settings_error({{"images", {{"fw", ""}}}}),
            "domains.loc.images.fw: expected a non-empty string");
  EXPECT_EQ(settings_error({{"supported", "fw"}}), "domains.loc.supported: expected a list");
  EXPECT_EQ(settings_error({{"saps", {{"SAP1", "dc9"}}}}),
            "domains.loc.saps.SAP1: no PoP 'dc9' in the emulation");
  EXPECT_EQ(settings_error({{"saps", {{"s1", "dc1"}}}}),
            "domains.loc.saps.s1: a SAP cannot be named like a PoP or switch");
  EXPECT_EQ(settings_error(json::array()), "domains.loc: not a mapping");
}

TEST(LocalAdapterTest, SettingsAreRead) {
  auto s = read_local_settings(spec({{"topology", "two.yaml"},
                                     {"saps", {{"SAP1", "dc1"}}},
                                     {"images", {{"fw", "img/fw"}}},
                                     {"supported", {"fw", "nat"}}}));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->saps, (std::map<std::string, std::string>{{"SAP1", "dc1"}}));
  EXPECT_EQ(s->images.at("fw"), "img/fw");
  ASSERT_TRUE(s->supported.has_value());
  EXPECT_EQ(*s->supported, (std::vector<std::string>{"fw", "nat"}));
  auto empty = read_local_settings(spec(json::object()));
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->supported.has_value());

  AdapterRegistry registry("domain kind");
  FakeControl control{topology()};
  ASSERT_TRUE(register_local_adapter(registry, control).ok());
  auto adapter = registry.create("local", spec({{"saps", {{"SAP1", "dc1"}}}}));
  ASSERT_TRUE(adapter.ok()) << adapter.error().message;
  EXPECT_EQ((*adapter)->kind(), "local");
}

TEST(LocalAdapterTest, TheOrchestratorDeploysAServiceOnTheEmulation) {
  FakeControl control{topology()};
  std::vector<std::unique_ptr<DomainAdapter>> domains;
  domains.push_back(std::make_unique<LocalAdapter>("loc", control, local_settings()));
  auto mdo = Orchestrator::create(std::move(domains), {});
  ASSERT_TRUE(mdo.ok()) << mdo.error().message;
  Status s = (*mdo)->execute(chain_request("s1", {"f1", "f2"}));
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto m = (*mdo)->mapping("s1");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->domains, (std::vector<std::string>{"loc"}));
  for (const char* nf : {"f1", "f2"}) {
    const auto& instance = control.instances().at(std::string("s1-") + nf);
    EXPECT_EQ(instance.pop, m->nf_infra.at(nf)) << nf;
    EXPECT_EQ(instance.image, "img/fw");
  }
  EXPECT_EQ(control.instances().at("s1-SAP1").pop, "dc1");
  EXPECT_EQ(control.instances().at("s1-SAP2").pop, "dc2");
  EXPECT_EQ(chains(control), (std::set<std::pair<std::string, std::string>>{
                                 {"s1-SAP1", "s1-f1"}, {"s1-f1", "s1-f2"}, {"s1-f2", "s1-SAP2"}}));
  ASSERT_TRUE((*mdo)->execute(chain_request("s1", {"f1", "f2"}, 1, "DELETE")).ok());
  EXPECT_TRUE(control.empty());
}

}  // namespace
}  // namespace chainlab::escape
