// unode::Node on the in-memory FakeControl: the description on a real ZeroMQ subscriber at start
// and again within 1 s after a graph takes resources, graphs' owners kept across a restart, and a
// failed deployment leaving no graph behind.
#include "frontends/unode/node.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <zmq.hpp>

#include <chrono>
#include <filesystem>

#include "../../fakes/fake_control.h"
#include "common/files.h"

namespace chainlab::unode {
namespace {

using chainlab::testing::FakeControl;
using nlohmann::json;

json one_vnf_graph() {
  return {{"forwarding-graph",
           {{"name", "g"},
            {"VNFs", {{{"id", "1"}, {"name", "fw"}, {"ports", {{{"id", "inout:0"}}}}}}},
            {"end-points",
             {{{"id", "a"}, {"type", "interface"}, {"interface", {{"if-name", "eth0"}}}}}},
            {"big-switch",
             {{"flow-rules",
               {{{"id", "1"},
                 {"priority", 1},
                 {"match", {{"port_in", "endpoint:a"}}},
                 {"actions", {{{"output_to_port", "vnf:1:inout:0"}}}}}}}}}}}};
}

class NodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/chainlab-node-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::filesystem::create_directories(dir_ + "/t/fw");
    ASSERT_TRUE(write_file(dir_ + "/t/fw/start", "#!/bin/sh\n", true).ok());
    std::filesystem::permissions(dir_ + "/t/fw/start", std::filesystem::perms::owner_all);
    json t = {{"functional-capability", "fw"},
              {"vnf-type", "native"},
              {"uri", "fw"},
              {"memory-size", 256},
              {"ports", {{{"position", "0-0"}, {"label", "in"}}}}};
    ASSERT_TRUE(write_file(dir_ + "/t/fw.json", t.dump(), true).ok());
    fake_.set_pop_interfaces("dc1", {{"eth0", 7}});
    open_node();
  }
  void TearDown() override {
    node_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open_node() {
    NodeOptions options;
    options.pop = "dc1";
    options.templates_dir = dir_ + "/t";
    options.db_path = dir_ + "/users.db";
    options.admin_password = "pw";
    options.users.pbkdf2_iterations = 1000;
    auto node = Node::open(fake_, options, nullptr, nullptr);
    ASSERT_TRUE(node.ok()) << node.error().message;
    node_ = std::move(node).value();
    admin_ = *node_->users().user("admin");
  }

  std::string dir_;
  FakeControl fake_{FakeControl::pops({"dc1"})};
  std::unique_ptr<Node> node_;
  UserInfo admin_;
};

uint64_t free_mb(const json& description) {
  return description["netgroup-domain:informations"]["netgroup-domain:resources"]["memory"]
                    ["free-mb"];
}

TEST_F(NodeTest, ASubscriberGetsTheDescriptionAtStartAndWithin1sOfAChange) {
  auto bus = DescriptionBus::bind("tcp://127.0.0.1:*");
  ASSERT_TRUE(bus.ok());
  node_->set_bus(bus->get());
  zmq::context_t ctx(1);
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::linger, 0);
  sub.connect((*bus)->endpoint());
  sub.set(zmq::sockopt::subscribe, kDescriptionTopic);
  auto next = [&](int ms) -> std::optional<json> {
    sub.set(zmq::sockopt::rcvtimeo, ms);
    zmq::message_t topic, body;
    if (!sub.recv(topic) || !sub.recv(body)) {
      return std::nullopt;
    }
    return json::parse(body.to_string());
  };
  auto first = next(5000);
  ASSERT_TRUE(first.has_value()) << "the description at start";
  ASSERT_TRUE(node_->create_graph(admin_, one_vnf_graph()).ok());
  auto start = std::chrono::steady_clock::now();
  std::optional<json> changed;
  do {
    changed = next(1000);
  } while (changed && *changed == *first);
  ASSERT_TRUE(changed.has_value()) << "no new description within 1 s";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(free_mb(*changed), free_mb(*first) - 256);
  node_->set_bus(nullptr);
}

TEST_F(NodeTest, GraphsOwnersAndUsersSurviveARestartOfTheDatabase) {
  ASSERT_TRUE(node_->users().create_user(admin_, "dave", "pw-d", "admin").ok());
  auto dave = node_->users().user("dave");
  ASSERT_TRUE(dave.ok());
  auto id = node_->create_graph(*dave, one_vnf_graph());
  ASSERT_TRUE(id.ok()) << id.error().message;
  node_.reset();  // the node's graphs go with it; the database stays
  EXPECT_TRUE(fake_.empty());
  open_node();
  ASSERT_TRUE(node_->login("dave", "pw-d").ok());
  EXPECT_TRUE(node_->users().check(*dave, *id, GraphOp::kDelete).ok()) << "still dave's";
}

TEST_F(NodeTest, AFailedDeploymentLeavesNoGraph) {
  fake_.fail_nth(FakeControl::Op::kAddRule, 1);
  auto id = node_->create_graph(admin_, one_vnf_graph());
  ASSERT_FALSE(id.ok());
  EXPECT_TRUE(fake_.empty());
  auto list = node_->graphs_json(admin_);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE((*list)["NF-FG"].empty());
}

TEST_F(NodeTest, StatusIsCompleteOnceDeployedAndNotFoundForAnUnknownGraph) {
  auto id = node_->create_graph(admin_, one_vnf_graph());
  ASSERT_TRUE(id.ok());
  auto s = node_->status(admin_, *id);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->status, "complete");
  EXPECT_EQ(s->percentage, 100);
  EXPECT_EQ(node_->status(admin_, "nope").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace chainlab::unode
