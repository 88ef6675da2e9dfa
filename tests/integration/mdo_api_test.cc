// Scenario: `chainlab mdo` as ESCAPE's clients and test runner drive it (docs/mdo.md). ESCAPE's
// own topologies and service requests (../shared/fixtures/nffg-escape/) are posted to the REST
// API with a call-back URL, as ESCAPE's test framework does: 202 with a message-id at once, the
// call-back then says 200, status says 200, mapping-info names where each NF went, a DELETE
// takes it all away. Two domains meeting at a shared SAP carry one service between them; 100
// requests back to back are all accepted at once and all complete; hostile input gets a 4xx and
// changes nothing; the CLI (`sg`, `view`) does the same from the command line.
#include <httplib.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "chainlab_process.h"
#include "common/files.h"
#include "test_util.h"

namespace chainlab::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kEscape = std::string(CHAINLAB_SOURCE_DIR) + "/../shared/fixtures/nffg-escape/";

// ESCAPE's test framework's call-back server: records each POST's message-id and response-code.
class CallbackServer {
 public:
  CallbackServer() {
    server_.Post("/callback", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      codes_[req.get_param_value("message-id")] = req.get_param_value("response-code");
      changed_.notify_all();
      res.set_content("OK", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~CallbackServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/callback"; }
  // The response-code posted for `id`, waiting up to 30 s for it ("" if none came).
  std::string wait(const std::string& id) {
    std::unique_lock lock(mu_);
    changed_.wait_for(lock, 30s, [&] { return codes_.count(id) != 0; });
    return codes_.count(id) != 0 ? codes_[id] : "";
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, std::string> codes_;
};

class MdoApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/chainlab-mdo-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    ::setenv("CHAINLAB_STATE_DIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    mdo_.stop();
    ::unsetenv("CHAINLAB_STATE_DIR");
    std::filesystem::remove_all(dir_);
  }
  void start(std::vector<std::string> args) {
    args.insert(args.end(), {"--port", "0"});
    ASSERT_TRUE(mdo_.start(args, "mdo")) << mdo_.log();
    url_ = mdo_.url("ESCAPE API");
    ASSERT_FALSE(url_.empty()) << mdo_.log();
    client_ = std::make_unique<httplib::Client>(url_);
    client_->set_read_timeout(30, 0);
  }
  // POSTs (or PUTs) an NFFG to the service layer with the call-back: the message id of the 202.
  std::string send(const std::string& body, bool put = false) {
    std::string path = "/escape/service/sg?call-back=" + callbacks_.url();
    auto r = put ? client_->Put(path, body, "application/json")
                 : client_->Post(path, body, "application/json");
    EXPECT_TRUE(r && r->status == 202) << (r ? r->status : -1) << " " << (r ? r->body : "");
    EXPECT_TRUE(!r || r->body.empty());
    return r ? r->get_header_value("message-id") : "";
  }
  int status(const std::string& id) {
    auto r = client_->Get("/escape/service/status?message-id=" + id);
    return r ? r->status : -1;
  }
  json get(const std::string& path) {
    auto r = client_->Get(path);
    EXPECT_TRUE(r && r->status == 200) << path << " " << (r ? r->body : "");
    return r ? json::parse(r->body, nullptr, false) : json();
  }
  // The infra each NF went to, from mapping-info.
  std::map<std::string, std::string> placed(const std::string& id) {
    std::map<std::string, std::string> out;
    json info = get("/escape/orchestration/mapping-info/" + id);
    for (const auto& m : info["mapping"]) {
      out[m["nf"]["id"]] = m["bisbis"]["id"];
    }
    return out;
  }
  std::string write(const std::string& name, const json& doc) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << doc.dump(2);
    return path;
  }
  CommandResult cli(const std::string& args) {
    return run_command(std::string(CHAINLAB_BINARY) + " " + args + " -e " + url_ + " 2>&1");
  }

  std::string dir_;
  ChainlabProcess mdo_;
  std::string url_;
  std::unique_ptr<httplib::Client> client_;
  CallbackServer callbacks_;
};

TEST_F(MdoApiTest, EscapesOwnRequestsDeployOnTheirTopologies) {
  start({"--topology", kEscape + "escape-mn-topo.nffg"});
  for (const char* request : {"escape-mn-req.nffg", "sg1_connectivity_sap12.nffg"}) {
    std::string id = send(*read_file(kEscape + request));
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(callbacks_.wait(id), "200") << request << "\n" << mdo_.log();
    EXPECT_EQ(status(id), 200) << request;
  }
  // mapping-info by the message id of escape-mn-req names an EE for each of its three NFs.
  json info = get("/escape/orchestration/mappings");
  ASSERT_EQ(info.size(), 2u) << info.dump();
  auto where = placed("SG-request");
  ASSERT_EQ(where.size(), 3u);
  for (const auto& [nf, infra] : where) {
    EXPECT_TRUE(infra == "EE1" || infra == "EE2") << nf << " on " << infra;
  }
  json view = get("/escape/service/topology");
  EXPECT_EQ(view["node_nfs"].size(), 3u);
  // PUT without a mode deletes (ESCAPE's convention); the NFs leave the view.
  std::string del = send(*read_file(kEscape + "escape-mn-req.nffg"), /*put=*/false);
  EXPECT_EQ(callbacks_.wait(del), "200");  // the same request again: an ADD that changes nothing
  json req = json::parse(*read_file(kEscape + "escape-mn-req.nffg"));
  req["parameters"].erase("mode");
  std::string removed = send(req.dump(), /*put=*/true);
  EXPECT_EQ(callbacks_.wait(removed), "200") << mdo_.log();
  EXPECT_EQ(get("/escape/service/topology")["node_nfs"].size(), 0u);
  EXPECT_EQ(client_->Get("/escape/orchestration/mapping-info/SG-request")->status, 404);
}

TEST_F(MdoApiTest, TheNanoTopologyTakesItsRequest) {
  start({"--topology", kEscape + "NanoTopo.nffg", "--view", "single"});
  std::string id = send(*read_file(kEscape + "ReqForNanoTopo.nffg"));
  EXPECT_EQ(callbacks_.wait(id), "200") << mdo_.log();
  EXPECT_EQ(placed(id).size(), 3u);  // by message id, as ESCAPE's mapping-info is keyed
  // The service layer shows one big switch; the orchestration layer the whole view.
  json single = get("/escape/service/topology");
  ASSERT_EQ(single["node_infras"].size(), 1u);
  EXPECT_EQ(single["node_infras"][0]["id"], "SingleBiSBiS");
  EXPECT_GT(get("/escape/orchestration/get-config")["node_infras"].size(), 1u);
}

// Two domains (files) meeting at the SAP "border": the request's two NFs of 2 cpu each cannot
// share an EE, so one goes to each domain.
json domain(const std::string& infra, const std::string& sap) {
  return {{"parameters", {{"id", infra + "-view"}, {"version", "1.0"}}},
          {"node_infras",
           {{{"id", infra},
             {"type", "EE"},
             {"supported", {"fw"}},
             {"resources",
              {{"cpu", 2}, {"mem", 2}, {"storage", 2}, {"delay", 0.5}, {"bandwidth", 1000}}},
             {"ports", {{{"id", 1}}, {{"id", 2}}}}}}},
          {"node_saps",
           {{{"id", sap}, {"ports", {{{"id", 1}}}}}, {{"id", "border"}, {"ports", {{{"id", 1}}}}}}},
          {"edge_links",
           {{{"id", infra + "-out"},
             {"src_node", sap},
             {"src_port", 1},
             {"dst_node", infra},
             {"dst_port", 1},
             {"delay", 1},
             {"bandwidth", 100}},
            {{"id", infra + "-border"},
             {"src_node", infra},
             {"src_port", 2},
             {"dst_node", "border"},
             {"dst_port", 1},
             {"delay", 2},
             {"bandwidth", 100}}}}};
}

json api_nf(const std::string& id) {
  return {{"id", id},
          {"functional_type", "fw"},
          {"ports", {{{"id", 1}}}},
          {"specification", {{"resources", {{"cpu", 2}, {"mem", 1}, {"storage", 0}}}}}};
}

json api_hop(int id, const std::string& from, const std::string& to) {
  return {{"id", id}, {"src_node", from}, {"src_port", 1}, {"dst_node", to}, {"dst_port", 1}};
}

TEST_F(MdoApiTest, OneServiceAcrossTwoDomains) {
  start({"--topology", write("dom-a.nffg", domain("EE-A", "SAP1")), "--topology",
         write("dom-b.nffg", domain("EE-B", "SAP2"))});
  json req = {
      {"parameters", {{"id", "chain"}, {"version", "1.0"}}},
      {"node_nfs", {api_nf("nf1"), api_nf("nf2")}},
      {"node_saps",
       {{{"id", "SAP1"}, {"ports", {{{"id", 1}}}}}, {{"id", "SAP2"}, {"ports", {{{"id", 1}}}}}}},
      {"edge_sg_nexthops",
       {api_hop(1, "SAP1", "nf1"), api_hop(2, "nf1", "nf2"), api_hop(3, "nf2", "SAP2")}}};
  std::string id = send(req.dump());
  ASSERT_EQ(callbacks_.wait(id), "200") << mdo_.log();
  json info = get("/escape/orchestration/mapping-info/chain");
  std::set<std::string> domains;
  for (const auto& m : info["mapping"]) {
    domains.insert(m["bisbis"]["domain"].get<std::string>());
  }
  EXPECT_EQ(domains, (std::set<std::string>{"dom-a", "dom-b"})) << info.dump();
  // The CLI shows it: the view names both NFs on their infras, sg list the service.
  auto view = cli("view");
  EXPECT_EQ(view.status, 0) << view.output;
  EXPECT_NE(view.output.find("nf1"), std::string::npos) << view.output;
  EXPECT_NE(view.output.find("dom-b"), std::string::npos) << view.output;
  auto list = cli("sg list");
  EXPECT_NE(list.output.find("chain"), std::string::npos) << list.output;
  auto del = cli("sg delete chain");
  EXPECT_EQ(del.status, 0) << del.output;
  EXPECT_EQ(get("/escape/orchestration/get-config")["node_nfs"].size(), 0u);
  // A request that does not fit fails: the call-back says 500, status 500 "ERROR".
  req["node_nfs"].push_back(api_nf("nf3"));
  req["edge_sg_nexthops"] = {api_hop(1, "SAP1", "nf1"), api_hop(2, "nf1", "nf2"),
                             api_hop(3, "nf2", "nf3"), api_hop(4, "nf3", "SAP2")};
  std::string big = send(req.dump());
  EXPECT_EQ(callbacks_.wait(big), "500");
  auto r = client_->Get("/escape/service/status?message-id=" + big);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, "ERROR");
  auto why = cli("sg status " + big);
  EXPECT_EQ(why.status, 1);
  EXPECT_NE(why.output.find("mapping failed"), std::string::npos) << why.output;
}

TEST_F(MdoApiTest, TheCliAddsFollowsAndDeletes) {
  start({"--topology", kEscape + "escape-mn-topo.nffg"});
  auto add = cli("sg add " + kEscape + "escape-mn-req.nffg");
  EXPECT_EQ(add.status, 0) << add.output;
  EXPECT_NE(add.output.find("comp"), std::string::npos) << add.output;
  EXPECT_NE(add.output.find("INFRA"), std::string::npos) << add.output;
  auto json_add = cli("sg add --json " + kEscape + "sg1_connectivity_sap12.nffg");
  EXPECT_EQ(json_add.status, 0) << json_add.output;
  EXPECT_EQ(json::parse(json_add.output, nullptr, false).value("status", ""), "SUCCESS")
      << json_add.output;
  auto del = cli("sg delete " + kEscape + "escape-mn-req.nffg");  // its mode says ADD
  EXPECT_EQ(del.status, 0) << del.output;
  auto left = cli("sg list");
  EXPECT_EQ(left.output.find("SG-request"), std::string::npos) << left.output;
  EXPECT_NE(left.output.find("SSSAreq1"), std::string::npos) << left.output;
  EXPECT_EQ(cli("sg status no-such-id").status, 1);
  auto missing = run_command(std::string(CHAINLAB_BINARY) + " sg list -e http://127.0.0.1:1 2>&1");
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.output.find("chainlab mdo"), std::string::npos) << missing.output;
}

// A config's api.prefix moves every route; the CLI follows with --prefix.
TEST_F(MdoApiTest, AnotherPrefix) {
  std::ofstream(dir_ + "/mdo.yaml") << "api: {prefix: unify}\n";
  start({"--config", dir_ + "/mdo.yaml", "--topology", kEscape + "escape-mn-topo.nffg"});
  EXPECT_EQ(client_->Get("/unify/service/ping")->body, "OK");
  EXPECT_EQ(client_->Get("/escape/service/ping")->status, 404);
  auto add = cli("sg add --prefix unify " + kEscape + "sg1_connectivity_sap12.nffg");
  EXPECT_EQ(add.status, 0) << add.output;
  EXPECT_EQ(cli("sg list").status, 1);  // /escape is not there
  EXPECT_NE(cli("sg list --prefix unify").output.find("SSSAreq1"), std::string::npos);
}

// 100 connectivity requests (SAP1 <-> SAP2, hop ids of their own) back to back: every POST is
// answered 202 at once (the orchestrator works through them in order), and every one completes.
TEST_F(MdoApiTest, AHundredRequestsBackToBack) {
  start({"--topology", kEscape + "escape-mn-topo.nffg"});
  json base = json::parse(*read_file(kEscape + "sg1_connectivity_sap12.nffg"));
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    json req = base;
    req["parameters"]["id"] = "conn-" + std::to_string(i);
    for (auto& h : req["edge_sg_nexthops"]) {
      h["id"] = h["id"].get<std::string>() + "-" + std::to_string(i);
    }
    ids.push_back(send(req.dump()));
  }
  for (const auto& id : ids) {
    EXPECT_EQ(callbacks_.wait(id), "200") << id;
  }
  EXPECT_EQ(get("/escape/orchestration/mappings").size(), 100u);
}

TEST_F(MdoApiTest, HostileInputGetsA4xxAndChangesNothing) {
  start({"--topology", kEscape + "escape-mn-topo.nffg"});
  auto post = [&](const std::string& path, const std::string& body, const char* type) {
    auto r = client_->Post(path, body, type);
    return r ? r->status : -1;
  };
  EXPECT_EQ(post("/escape/service/sg", "", "application/json"), 400);
  EXPECT_EQ(post("/escape/service/sg", "{not json", "application/json"), 400);
  EXPECT_EQ(post("/escape/service/sg", "<?xml version='1.0'?><virtualizer/>", "application/xml"),
            415);
  EXPECT_EQ(post("/escape/service/sg", std::string(20 << 20, ' '), "application/json"), 413);
  EXPECT_EQ(
      post("/escape/service/sg", R"({"node_nfs": [{"id": 1, "ports": "x"}]})", "application/json"),
      400);
  std::string deep(100, '[');
  EXPECT_EQ(post("/escape/service/sg", deep, "application/json"), 400);
  std::string req = *read_file(kEscape + "escape-mn-req.nffg");
  EXPECT_EQ(post("/escape/service/sg?call-back=file:///etc/passwd", req, "application/json"), 400);
  EXPECT_EQ(
      post("/escape/service/sg?call-back=http://127.0.0.1:99999999999/x", req, "application/json"),
      400);  // cpp-httplib's std::stoi would throw on this port
  EXPECT_EQ(post("/escape/service/sg?message-id=../../x", req, "application/json"), 400);
  EXPECT_EQ(post("/escape/service/sg?message-id=" + std::string(200, 'a'), req, "application/json"),
            400);
  EXPECT_EQ(client_->Get("/escape/service/status")->status, 400);
  EXPECT_EQ(client_->Get("/escape/service/status?message-id=nope")->status, 404);
  EXPECT_EQ(client_->Get("/escape/orchestration/mapping-info/nope")->status, 404);
  EXPECT_EQ(client_->Get("/escape/service/ping")->body, "OK");
  // A request naming a hop id twice, a node that does not exist: refused by the job (500).
  json bad = json::parse(req);
  bad["edge_sg_nexthops"][0]["dst_node"] = "ghost";
  EXPECT_EQ(post("/escape/service/sg", bad.dump(), "application/json"), 400);
  // Nothing was deployed.
  EXPECT_EQ(get("/escape/orchestration/mappings").size(), 0u);
  EXPECT_EQ(get("/escape/service/topology")["node_nfs"].size(), 0u);
  // A message id may be given (query or header); a second use is refused.
  auto given = client_->Post("/escape/service/sg?message-id=my-id-1&call-back=" + callbacks_.url(),
                             req, "application/json");
  ASSERT_EQ(given->status, 202);
  EXPECT_EQ(given->get_header_value("message-id"), "my-id-1");
  EXPECT_EQ(callbacks_.wait("my-id-1"), "200");
  EXPECT_EQ(post("/escape/service/sg?message-id=my-id-1", req, "application/json"), 409);
}

}  // namespace
}  // namespace chainlab::testing
