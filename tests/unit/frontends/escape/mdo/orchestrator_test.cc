// The multi-domain orchestrator's core (frontends/escape/mdo/orchestrator.h) over two static
// domains: a service split across them, all-or-nothing deployment, incremental ADD, DELETE.
#include "frontends/escape/mdo/orchestrator.h"

#include <gtest/gtest.h>

#include "../test_views.h"
#include "frontends/escape/mdo/static_adapter.h"

namespace chainlab::escape {
namespace {

using testing::chain_request;
using testing::domain_view;

// A static domain whose deploy (or remove) fails on demand: a fake behind our own interface.
class FlakyAdapter final : public DomainAdapter {
 public:
  FlakyAdapter(std::string name, Nffg view) : inner_(std::move(name), std::move(view)) {}
  std::string name() const override { return inner_.name(); }
  std::string kind() const override { return "flaky"; }
  Result<Nffg> view() override { return inner_.view(); }
  Status deploy(const std::string& id, const Nffg& part) override {
    if (fail_deploy) {
      return make_error(ErrorCode::kUnavailable, "the domain's API is down");
    }
    return inner_.deploy(id, part);
  }
  Status remove(const std::string& id) override {
    if (fail_remove) {
      return make_error(ErrorCode::kUnavailable, "the domain's API is down");
    }
    return inner_.remove(id);
  }
  std::map<std::string, Nffg> parts() const { return inner_.parts(); }

  bool fail_deploy = false;
  bool fail_remove = false;

 private:
  StaticAdapter inner_;
};

struct TwoDomains {
  FlakyAdapter* a = nullptr;
  FlakyAdapter* b = nullptr;
  std::unique_ptr<Orchestrator> mdo;
};

TwoDomains two_domains() {
  TwoDomains t;
  auto a = std::make_unique<FlakyAdapter>("A", domain_view("EE-A", "SAP1"));
  auto b = std::make_unique<FlakyAdapter>("B", domain_view("EE-B", "SAP2"));
  t.a = a.get();
  t.b = b.get();
  std::vector<std::unique_ptr<DomainAdapter>> domains;
  domains.push_back(std::move(a));
  domains.push_back(std::move(b));
  auto mdo = Orchestrator::create(std::move(domains), {});
  EXPECT_TRUE(mdo.ok()) << mdo.error().message;
  t.mdo = std::move(mdo).value();
  return t;
}

size_t rules_on(const Nffg& part) {
  size_t n = 0;
  for (const auto& infra : part.node_infras) {
    for (const auto& p : infra.ports) {
      n += p.flowrules.size();
    }
  }
  return n;
}

TEST(OrchestratorTest, AServiceIsSplitAcrossTwoDomains) {
  TwoDomains t = two_domains();
  ASSERT_TRUE(t.mdo->execute(chain_request("s1", {"f1", "f2"})).ok());
  auto m = t.mdo->mapping("s1");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->nf_infra.at("f1"), "EE-A");
  EXPECT_EQ(m->nf_domain.at("f1"), "A");
  EXPECT_EQ(m->nf_domain.at("f2"), "B");
  EXPECT_EQ(m->domains, (std::vector<std::string>{"A", "B"}));
  // Each domain got its own infra with its NF, its SAPs (the border one too) and flow rules.
  Nffg a = t.a->parts().at("s1");
  ASSERT_EQ(a.node_infras.size(), 1u);
  EXPECT_EQ(a.node_infras[0].id.str(), "EE-A");
  ASSERT_EQ(a.node_nfs.size(), 1u);
  EXPECT_EQ(a.node_nfs[0].id.str(), "f1");
  EXPECT_NE(a.sap(Id("border")), nullptr);
  EXPECT_NE(a.sap(Id("SAP1")), nullptr);
  EXPECT_EQ(a.sap(Id("SAP2")), nullptr);
  EXPECT_GT(rules_on(a), 0u);
  EXPECT_EQ(a.parameters.id->str(), "s1");
  Nffg b = t.b->parts().at("s1");
  EXPECT_EQ(b.node_nfs[0].id.str(), "f2");
  EXPECT_EQ(b.node_infras[0].id.str(), "EE-B");
  // The global view holds both NFs.
  Nffg view = t.mdo->view();
  EXPECT_NE(view.nf(Id("f1")), nullptr);
  EXPECT_NE(view.nf(Id("f2")), nullptr);
}

TEST(OrchestratorTest, DeleteRemovesEveryPartAndFreesTheResources) {
  TwoDomains t = two_domains();
  ASSERT_TRUE(t.mdo->execute(chain_request("s1", {"f1", "f2"})).ok());
  // Full: a second service of two NFs does not fit.
  Status full = t.mdo->execute(chain_request("s2", {"g1", "g2"}, 10));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(full.error().message.find("mapping failed"), std::string::npos);
  ASSERT_TRUE(t.mdo->execute(chain_request("s1", {"f1", "f2"}, 1, "DELETE")).ok());
  EXPECT_TRUE(t.a->parts().empty());
  EXPECT_TRUE(t.b->parts().empty());
  EXPECT_TRUE(t.mdo->view().node_nfs.empty());
  EXPECT_FALSE(t.mdo->mapping("s1").has_value());
  EXPECT_TRUE(t.mdo->execute(chain_request("s2", {"g1", "g2"}, 10)).ok());
}

TEST(OrchestratorTest, AFailingDomainLeavesNothingAnywhere) {
  TwoDomains t = two_domains();
  t.b->fail_deploy = true;
  Status s = t.mdo->execute(chain_request("s1", {"f1", "f2"}));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("domain B"), std::string::npos) << s.error().message;
  EXPECT_TRUE(t.a->parts().empty());  // A's part was taken back
  EXPECT_TRUE(t.b->parts().empty());
  EXPECT_TRUE(t.mdo->view().node_nfs.empty());
  EXPECT_FALSE(t.mdo->mapping("s1").has_value());
  t.b->fail_deploy = false;
  EXPECT_TRUE(t.mdo->execute(chain_request("s1", {"f1", "f2"})).ok());
}

TEST(OrchestratorTest, AFailedDeleteKeepsTheService) {
  TwoDomains t = two_domains();
  ASSERT_TRUE(t.mdo->execute(chain_request("s1", {"f1", "f2"})).ok());
  t.b->fail_remove = true;
  ASSERT_FALSE(t.mdo->execute(chain_request("s1", {"f1", "f2"}, 1, "DELETE")).ok());
  EXPECT_EQ(t.a->parts().count("s1"), 1u);  // given back
  EXPECT_EQ(t.b->parts().count("s1"), 1u);
  EXPECT_TRUE(t.mdo->mapping("s1").has_value());
  EXPECT_NE(t.mdo->view().nf(Id("f1")), nullptr);
}

TEST(OrchestratorTest, ALaterAddKeepsDeployedNfsWhereTheyAre) {
  TwoDomains t = two_domains();
  ASSERT_TRUE(t.mdo->execute(chain_request("s1", {"f1"})).ok());
  std::string first = t.mdo->mapping("s1")->nf_infra.at("f1");
  ASSERT_TRUE(t.mdo->execute(chain_request("s1", {"f1", "f2"})).ok());
  auto m = t.mdo->mapping("s1");
  EXPECT_EQ(m->nf_infra.at("f1"), first);
  EXPECT_NE(m->nf_infra.at("f2"), first);
  EXPECT_EQ(m->domains.size(), 2u);
}

TEST(OrchestratorTest, DeleteFindsTheServiceByItsNfs) {
  TwoDomains t = two_domains();
  ASSERT_TRUE(t.mdo->execute(chain_request("s1", {"f1", "f2"})).ok());
  // ESCAPE renames requests to their message id: the NFs say which service goes.
  ASSERT_TRUE(t.mdo->execute(chain_request("msg-7", {"f1"}, 1, "DELETE")).ok());
  EXPECT_FALSE(t.mdo->mapping("s1").has_value());
  EXPECT_TRUE(t.b->parts().empty());
}

TEST(OrchestratorTest, BadRequestsChangeNothing) {
  TwoDomains t = two_domains();
  EXPECT_EQ(t.mdo->execute(chain_request("nope", {"f1"}, 1, "DELETE")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(t.mdo->execute(chain_request("nope", {"f1"}, 1, "REMAP")).error().code,
            ErrorCode::kNotFound);
  Nffg no_id = chain_request("x", {"f1"});
  no_id.parameters.id.reset();
  EXPECT_EQ(t.mdo->execute(no_id).error().code, ErrorCode::kInvalidArgument);
  for (const char* bad : {"a/b", "../x", "x?y=1", "sp ace", ""}) {
    EXPECT_EQ(t.mdo->execute(chain_request(bad, {"f1"})).error().code, ErrorCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(t.mdo->execute(chain_request(std::string(129, 'a'), {"f1"})).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(t.mdo->view().node_nfs.empty());
  EXPECT_TRUE(t.mdo->mappings().empty());
}

TEST(OrchestratorTest, AnNfBelongsToOneService) {
  TwoDomains t = two_domains();
  ASSERT_TRUE(t.mdo->execute(chain_request("s1", {"f1"})).ok());
  ASSERT_TRUE(t.mdo->execute(chain_request("s2", {"g1"}, 10)).ok());
  // s2 again, now naming s1's f1 too: refused, s1 and s2 as they were.
  Status s = t.mdo->execute(chain_request("s2", {"g1", "f1"}, 10));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("belongs to service s1"), std::string::npos)
      << s.error().message;
  EXPECT_EQ(t.mdo->mapping("s2")->nf_infra.count("f1"), 0u);
  EXPECT_EQ(t.mdo->mapping("s1")->nf_infra.count("f1"), 1u);
}

// A SAP at an infra the service uses but whose port none of its rules touch stays out of the
// part (another service's business: on a node it would be another end-point, another tunnel).
TEST(OrchestratorTest, APartHoldsOnlyTheSapsTheServiceUses) {
  Nffg a = domain_view("EE-A", "SAP1");
  auto spare = read_nffg(R"({"parameters": {"id": "x", "version": "1.0"},
    "node_saps": [{"id": "spare", "ports": [{"id": 1}]}]})");
  ASSERT_TRUE(spare.ok());
  a.node_saps.push_back(spare->node_saps[0]);
  a.node_infras[0].ports.push_back(Port{});
  a.node_infras[0].ports.back().id = Id::number(int64_t{3});
  EdgeLink l;
  l.id = Id("spare-link");
  l.src_node = Id("spare");
  l.src_port = Id::number(int64_t{1});
  l.dst_node = Id("EE-A");
  l.dst_port = Id::number(int64_t{3});
  a.edge_links.push_back(l);
  auto sa = std::make_unique<StaticAdapter>("A", a);
  StaticAdapter* raw = sa.get();
  std::vector<std::unique_ptr<DomainAdapter>> domains;
  domains.push_back(std::move(sa));
  domains.push_back(std::make_unique<StaticAdapter>("B", domain_view("EE-B", "SAP2")));
  auto mdo = Orchestrator::create(std::move(domains), {});
  ASSERT_TRUE(mdo.ok()) << mdo.error().message;
  ASSERT_TRUE((*mdo)->execute(chain_request("s1", {"f1", "f2"})).ok());
  Nffg part = raw->parts().at("s1");
  EXPECT_NE(part.sap(Id("SAP1")), nullptr);
  EXPECT_NE(part.sap(Id("border")), nullptr);
  EXPECT_EQ(part.sap(Id("spare")), nullptr);
}

TEST(OrchestratorTest, DomainsMustBeNamedOnce) {
  std::vector<std::unique_ptr<DomainAdapter>> domains;
  domains.push_back(std::make_unique<StaticAdapter>("A", domain_view("EE-A", "SAP1")));
  domains.push_back(std::make_unique<StaticAdapter>("A", domain_view("EE-B", "SAP2")));
  auto mdo = Orchestrator::create(std::move(domains), {});
  ASSERT_FALSE(mdo.ok());
  EXPECT_EQ(mdo.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(Orchestrator::create({}, {}).ok());
  std::vector<std::unique_ptr<DomainAdapter>> one;
  one.push_back(std::make_unique<StaticAdapter>("A", domain_view("EE-A", "SAP1")));
  OrchestratorOptions bad;
  bad.algorithm = "magic";
  EXPECT_FALSE(Orchestrator::create(std::move(one), bad).ok());
}

}  // namespace
}  // namespace chainlab::escape
