// The "openstack" domain (frontends/escape/mdo/cloud_adapter.h, cloud_translate.h): settings, the
// view from Nova's limits and images, a service's part as a Heat template that chainlab's own
// HOT parser takes, the stack followed to COMPLETE, a FAILED stack deleted again, updates and
// removal.
#include "frontends/escape/mdo/cloud_adapter.h"

#include <gtest/gtest.h>

#include "../test_views.h"
#include "frontends/escape/mdo/cloud_translate.h"
#include "frontends/escape/mdo/orchestrator.h"
#include "frontends/escape/mdo/static_adapter.h"
#include "frontends/openstack/hot_template.h"

namespace chainlab::escape {
namespace {

using json = nlohmann::json;

// A cloud in memory: a fake behind our own interface. Stacks go IN_PROGRESS, then to
// `next_status` on the next look.
class FakeCloud final : public CloudApi {
 public:
  Result<json> limits() override {
    return json{{"limits", {{"absolute", {{"maxTotalCores", 2}, {"maxTotalRAMSize", 4096}}}}}};
  }
  Result<std::vector<std::string>> images() override { return std::vector<std::string>{"fw"}; }
  Result<std::string> create_stack(const std::string& name, const json& tmpl) override {
    std::string id = "s" + std::to_string(++next_);
    stacks[id] = {name, tmpl, "CREATE_IN_PROGRESS"};
    return id;
  }
  Status update_stack(const std::string&, const std::string& id, const json& tmpl) override {
    stacks[id].tmpl = tmpl;
    stacks[id].status = "UPDATE_IN_PROGRESS";
    ++updates;
    return ok_status();
  }
  Result<std::pair<std::string, std::string>> stack_status(const std::string&,
                                                           const std::string& id) override {
    auto it = stacks.find(id);
    if (it == stacks.end()) {
      return make_error(ErrorCode::kNotFound, "Stack not found");
    }
    if (it->second.status.ends_with("_IN_PROGRESS")) {
      std::string op = it->second.status.substr(0, it->second.status.find('_'));
      it->second.status = op + "_" + next_status;
      return std::pair<std::string, std::string>{op + "_IN_PROGRESS", ""};
    }
    return std::pair{it->second.status, std::string("Image fw could not be found.")};
  }
  Status delete_stack(const std::string&, const std::string& id) override {
    stacks.erase(id);
    return ok_status();
  }

  struct Stack {
    std::string name;
    json tmpl;
    std::string status;
  };
  std::map<std::string, Stack> stacks;
  std::string next_status = "COMPLETE";
  int updates = 0;

 private:
  int next_ = 0;
};

CloudSettings cloud_settings() {
  auto s = read_cloud_settings({"os",
                                "openstack",
                                {{"auth_url", "http://127.0.0.1:6001/v3"},
                                 {"password", "admin"},
                                 {"saps", {{"SAP1", {{"network", "default"}, {"delay", 1}}}}}},
                                "."});
  EXPECT_TRUE(s.ok()) << s.error().message;
  return s.ok() ? *s : CloudSettings{};
}

TEST(CloudAdapterTest, SettingsAreTypedAndRefusedByPath) {
  CloudSettings s = cloud_settings();
  EXPECT_EQ(s.infra, "os");
  EXPECT_EQ(s.project, "admin");
  EXPECT_EQ(s.saps.at("SAP1").network, "default");
  for (const auto& [settings, says] : std::vector<std::pair<json, std::string>>{
           {{{"password", "p"}}, "domains.os.auth_url"},
           {{{"auth_url", "http://x/v3"}}, "password or password_file"},
           {{{"auth_url", "http://x/v3"}, {"password", "p"}, {"saps", {{"S", {{"net", "x"}}}}}},
            "saps.S.net: unknown key"},
           {{{"auth_url", "http://x/v3"}, {"password", "p"}, {"images", {{"fw", 3}}}}, "images.fw"},
           {{{"auth_url", "http://x/v3"}, {"password", "p"}, {"resources", {{"cpu", -1}}}},
            "resources.cpu"},
       }) {
    auto r = read_cloud_settings({"os", "openstack", settings, "."});
    ASSERT_FALSE(r.ok()) << settings.dump();
    EXPECT_NE(r.error().message.find(says), std::string::npos) << r.error().message;
  }
}

TEST(CloudAdapterTest, TheViewComesFromNovasLimitsAndImages) {
  CloudAdapter a("os", cloud_settings(), std::make_unique<FakeCloud>());
  auto v = a.view();
  ASSERT_TRUE(v.ok()) << v.error().message;
  ASSERT_EQ(v->node_infras.size(), 1u);
  EXPECT_EQ(*v->node_infras[0].resources->cpu, 2);
  EXPECT_EQ(*v->node_infras[0].resources->mem, 4096);
  EXPECT_EQ(*v->node_infras[0].supported, std::vector<std::string>{"fw"});
  ASSERT_EQ(v->node_saps.size(), 1u);
  EXPECT_EQ(*v->edge_links[0].delay, 1);
}

// One cloud with SAP1 and one static domain with SAP2, meeting at "border" — the static one's
// EE takes a 2-cpu NF, the cloud takes the other.
struct CloudAndStatic {
  FakeCloud* cloud = nullptr;
  std::unique_ptr<Orchestrator> mdo;
};

CloudAndStatic cloud_and_static() {
  CloudSettings s = cloud_settings();
  s.saps["border"] = CloudSap{"wan", 1};
  auto fake = std::make_unique<FakeCloud>();
  CloudAndStatic t;
  t.cloud = fake.get();
  std::vector<std::unique_ptr<DomainAdapter>> domains;
  domains.push_back(std::make_unique<CloudAdapter>("os", s, std::move(fake)));
  domains.push_back(std::make_unique<StaticAdapter>("st", testing::domain_view("EE", "SAP2")));
  auto mdo = Orchestrator::create(std::move(domains), {});
  EXPECT_TRUE(mdo.ok()) << mdo.error().message;
  t.mdo = std::move(mdo).value();
  return t;
}

// The servers of a Heat template, by name.
std::map<std::string, json> servers(const json& tmpl) {
  std::map<std::string, json> out;
  for (const auto& [name, r] : tmpl["resources"].items()) {
    if (r["type"] == "OS::Nova::Server") {
      out[r["properties"]["name"]] = r;
    }
  }
  return out;
}

TEST(CloudAdapterTest, APartIsAHeatStackChainlabsParserTakes) {
  CloudAndStatic t = cloud_and_static();
  ASSERT_TRUE(t.mdo->execute(testing::chain_request("s1", {"f1", "f2"})).ok());
  ASSERT_EQ(t.cloud->stacks.size(), 1u);
  const auto& stack = t.cloud->stacks.begin()->second;
  EXPECT_EQ(stack.name, "mdo-s1");
  auto parsed = openstack::parse_template(stack.tmpl);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message << "\n" << stack.tmpl.dump(2);
  // SAP1 is in the cloud: the NF next to it is the cloud's, its port on the SAP's network.
  auto m = t.mdo->mapping("s1");
  EXPECT_EQ(m->nf_domain.at("f1"), "os");
  EXPECT_EQ(m->nf_domain.at("f2"), "st");
  auto s = servers(stack.tmpl);
  ASSERT_EQ(s.size(), 1u);
  const json& server = s.at("mdo-s1-f1");
  EXPECT_EQ(server["properties"]["image"], "fw");
  std::string port = server["properties"]["networks"][0]["port"]["get_resource"];
  EXPECT_EQ(stack.tmpl["resources"][port]["properties"]["network"], "default");
}

TEST(CloudAdapterTest, AFailedStackIsDeletedAndNothingIsDeployed) {
  CloudAndStatic t = cloud_and_static();
  t.cloud->next_status = "FAILED";
  Status s = t.mdo->execute(testing::chain_request("s1", {"f1", "f2"}));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("CREATE_FAILED"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("domain os"), std::string::npos) << s.error().message;
  EXPECT_TRUE(t.cloud->stacks.empty());
  EXPECT_FALSE(t.mdo->mapping("s1").has_value());
}

TEST(CloudAdapterTest, AgainIsAnUpdateAndDeleteRemovesTheStack) {
  CloudAndStatic t = cloud_and_static();
  ASSERT_TRUE(t.mdo->execute(testing::chain_request("s1", {"f1", "f2"})).ok());
  ASSERT_TRUE(t.mdo->execute(testing::chain_request("s1", {"f1", "f2"})).ok());
  EXPECT_EQ(t.cloud->updates, 1);
  ASSERT_TRUE(t.mdo->execute(testing::chain_request("s1", {"f1", "f2"}, 1, "DELETE")).ok());
  EXPECT_TRUE(t.cloud->stacks.empty());
}

TEST(CloudAdapterTest, AFailedUpdateIsTakenBackToTheTemplateThatRan) {
  CloudAndStatic t = cloud_and_static();
  ASSERT_TRUE(t.mdo->execute(testing::chain_request("s1", {"f1", "f2"})).ok());
  json before = t.cloud->stacks.begin()->second.tmpl;
  t.cloud->next_status = "FAILED";
  Nffg changed = testing::chain_request("s1", {"f1", "f2"});
  changed.node_nfs[0].ports.push_back(Port{});  // one more port: another template
  changed.node_nfs[0].ports.back().id = Id::number(int64_t{2});
  ASSERT_FALSE(t.mdo->execute(changed).ok());
  ASSERT_EQ(t.cloud->stacks.size(), 1u);
  EXPECT_EQ(t.cloud->stacks.begin()->second.tmpl, before);  // not the failed one's
  EXPECT_EQ(t.cloud->updates, 2);                           // the update, then the way back
  EXPECT_TRUE(t.mdo->mapping("s1").has_value());
}

TEST(CloudAdapterTest, AHopToASapTheSettingsDoNotNameIsRefused) {
  CloudSettings s = cloud_settings();
  s.saps.clear();
  Nffg part = testing::chain_request("s1", {"f1"});
  NodeInfra cloud;
  cloud.id = Id("os");
  cloud.type = "BiSBiS";
  part.node_infras.push_back(cloud);
  auto hot = part_to_hot(part, "mdo-s1", s);
  ASSERT_FALSE(hot.ok());
  EXPECT_NE(hot.error().message.find("SAP1"), std::string::npos) << hot.error().message;
}

}  // namespace
}  // namespace chainlab::escape
