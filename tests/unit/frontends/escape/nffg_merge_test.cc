// Domains' views merged into one (frontends/escape/nffg_merge.h): a SAP two domains share becomes
// a link between their infras, a request then maps across both, and conflicts are refused.
#include "frontends/escape/nffg_merge.h"

#include <gtest/gtest.h>

#include "frontends/escape/nffg_embedding.h"
#include "orchestration/placement/embedding/greedy.h"
#include "test_views.h"

namespace chainlab::escape {
namespace {

using testing::domain_view;

TEST(NffgMergeTest, ASharedSapBecomesALinkBetweenTheDomains) {
  auto merged = merge_views(
      {{"A", domain_view("EE-A", "SAP1", 2, 50)}, {"B", domain_view("EE-B", "SAP2", 3, 80)}});
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  EXPECT_EQ(merged->node_infras.size(), 2u);
  EXPECT_EQ(merged->node_infras[0].domain, "A");
  EXPECT_EQ(merged->node_saps.size(), 2u);  // SAP1, SAP2; "border" is gone
  EXPECT_EQ(merged->sap(Id("border")), nullptr);
  const EdgeLink* inter = nullptr;
  for (const auto& l : merged->edge_links) {
    if (l.id.str() == "border-inter") {
      inter = &l;
    }
  }
  ASSERT_NE(inter, nullptr);
  EXPECT_EQ(inter->src_node.str(), "EE-A");
  EXPECT_EQ(inter->dst_node.str(), "EE-B");
  EXPECT_DOUBLE_EQ(*inter->delay, 5);
  EXPECT_DOUBLE_EQ(*inter->bandwidth, 50);
  // It is a view like any other: it writes and reads back, and becomes a substrate.
  auto back = read_nffg(to_json(*merged).dump());
  ASSERT_TRUE(back.ok()) << back.error().message;
  auto s = to_substrate(*back);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->nodes.size(), 4u);
  EXPECT_EQ(s->links.size(), 6u);  // two access links each way, and the inter-domain pair
}

TEST(NffgMergeTest, ARequestMapsAcrossTheDomains) {
  auto merged = merge_views(
      {{"A", domain_view("EE-A", "SAP1", 2, 50)}, {"B", domain_view("EE-B", "SAP2", 3, 80)}});
  ASSERT_TRUE(merged.ok());
  // Two NFs of 2 cpu: one per domain, joined over the border link.
  auto req = read_nffg(R"({"parameters": {"id": "r", "version": "1.0"},
    "node_nfs": [
      {"id": "f1", "functional_type": "fw", "ports": [{"id": 1}],
       "specification": {"resources": {"cpu": 2, "mem": 1, "storage": 0}}},
      {"id": "f2", "functional_type": "fw", "ports": [{"id": 1}],
       "specification": {"resources": {"cpu": 2, "mem": 1, "storage": 0}}}],
    "node_saps": [{"id": "SAP1", "ports": [{"id": 1}]}, {"id": "SAP2", "ports": [{"id": 1}]}],
    "edge_sg_nexthops": [
      {"id": 1, "src_node": "SAP1", "src_port": 1, "dst_node": "f1", "dst_port": 1},
      {"id": 2, "src_node": "f1", "src_port": 1, "dst_node": "f2", "dst_port": 1},
      {"id": 3, "src_node": "f2", "src_port": 1, "dst_node": "SAP2", "dst_port": 1}],
    "edge_reqs": [{"id": 9, "src_node": "SAP1", "src_port": 1, "dst_node": "SAP2",
      "dst_port": 1, "delay": 20, "bandwidth": 10, "sg_path": [1, 2, 3]}]})");
  ASSERT_TRUE(req.ok()) << req.error().message;
  auto p = prepare(*merged, *req);
  ASSERT_TRUE(p.ok()) << p.error().message;
  auto e = orchestration::embedding::make_greedy({})->embed(p->substrate, p->request);
  ASSERT_TRUE(e.ok() && e->accepted()) << (e.ok() ? e->refusal.message : e.error().message);
  EXPECT_EQ(p->substrate.nodes[e->mapping->nf_node.at("f1")].id, "EE-A");
  EXPECT_EQ(p->substrate.nodes[e->mapping->nf_node.at("f2")].id, "EE-B");
}

TEST(NffgMergeTest, ConflictsAreRefused) {
  EXPECT_FALSE(merge_views({}).ok());
  auto same_infra = merge_views(
      {{"A", domain_view("EE", "SAP1", 1, 10)}, {"B", domain_view("EE", "SAP2", 1, 10)}});
  ASSERT_FALSE(same_infra.ok());
  EXPECT_NE(same_infra.error().message.find("infra EE of domain B"), std::string::npos)
      << same_infra.error().message;
  auto three = merge_views({{"A", domain_view("EE-A", "SAP1", 1, 10)},
                            {"B", domain_view("EE-B", "SAP2", 1, 10)},
                            {"C", domain_view("EE-C", "SAP3", 1, 10)}});
  ASSERT_FALSE(three.ok());
  EXPECT_NE(three.error().message.find("shared by 3 domains"), std::string::npos);
  EXPECT_FALSE(merge_views({{"", domain_view("EE-A", "SAP1", 1, 10)}}).ok());
}

}  // namespace
}  // namespace chainlab::escape
