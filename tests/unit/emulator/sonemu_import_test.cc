// son-emu topology scripts -> chainlab topologies: our own scripts, written the way son-emu's
// examples are, covering every son-emu call the importer maps, every Python construct it follows,
// every warning and every error. (son-emu's own examples: sonemu_examples_test.cc.)
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "emulator/sonemu_import.h"

namespace chainlab::emulator {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Line 1 of every script; the body starts on line 2.
const std::string kImports =
    "from emuvim.dcemulator.net import DCNetwork; "
    "from emuvim.api.rest.rest_api_endpoint import RestApiEndpoint; "
    "from emuvim.api.openstack.openstack_api_endpoint import OpenstackApiEndpoint; "
    "from emuvim.api.sonata import SonataDummyGatekeeperEndpoint; "
    "from emuvim.api.tango import TangoLLCMEndpoint; "
    "from emuvim.dcemulator.resourcemodel.upb.simple import UpbSimpleCloudDcRM, "
    "UpbOverprovisioningCloudDcRM, UpbDummyRM; "
    "from mininet.link import TCLink, Link; "
    "from mininet.node import Controller, RemoteController\n";

Result<SonemuImport> translate(const std::string& body) {
  return import_sonemu_script(kImports + body, "topo.py");
}

SonemuImport must(const std::string& body) {
  auto r = translate(body);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? std::move(r).value() : SonemuImport{};
}

std::string err(const std::string& body) {
  auto r = translate(body);
  return r.ok() ? std::string("ok") : r.error().message;
}

std::vector<std::string> warnings(const SonemuImport& imported) {
  std::vector<std::string> out;
  for (const auto& w : imported.warnings) {
    out.push_back(fmt::format("{}: {}", w.line, w.message));
  }
  return out;
}

std::vector<std::string> pop_names(const Topology& t) {
  std::vector<std::string> out;
  for (const auto& p : t.pops()) {
    out.push_back(p.name);
  }
  return out;
}

constexpr const char* kTwoPops = R"(
def create_topology():
    net = DCNetwork(monitor=False, enable_learning=True,
                    dc_emulation_max_cpu=0.5, dc_emulation_max_mem=2048)
    dc1 = net.addDatacenter("dc1", metadata={"city": "Paderborn"})
    dc2 = net.addDatacenter("dc2")
    s1 = net.addSwitch("s1")
    net.addLink(dc1, s1, delay="10ms", bw=100, loss=1.5, jitter="1ms", max_queue_size=500)
    net.addLink("dc2", "s1", cls=TCLink, delay="2.5ms")
    rm1 = UpbSimpleCloudDcRM(max_cu=10, max_mu=2048)
    dc1.assignResourceModel(rm1)
    dc2.assignResourceModel(UpbOverprovisioningCloudDcRM(8))
    api1 = OpenstackApiEndpoint("0.0.0.0", 6001)
    api1.connect_datacenter(dc1)
    api1.connect_dc_network(net)
    api1.start()
    rapi1 = RestApiEndpoint("0.0.0.0", 5101)
    rapi1.connectDCNetwork(net)
    rapi1.connectDatacenter(dc1)
    rapi1.connectDatacenter(dc2)
    rapi1.start()
    llcm1 = TangoLLCMEndpoint("0.0.0.0", 5100)
    llcm1.connectDatacenter(dc1)
    llcm1.connectDatacenter(dc2)
    llcm1.start()
    net.start()
    net.CLI()
    net.stop()


def main():
    create_topology()


if __name__ == '__main__':
    main()
)";

TEST(SonemuImportTest, EveryMappedCall) {
  SonemuImport r = must(kTwoPops);
  EXPECT_THAT(warnings(r), ElementsAre());
  const Topology& t = r.topology;
  EXPECT_EQ(t.name, "topo");
  EXPECT_TRUE(r.learning);
  EXPECT_EQ(t.emulator.e_cpu, 0.5);
  EXPECT_EQ(t.emulator.e_mem_mb, 2048);
  EXPECT_EQ(t.emulator.rest_port, 5101);
  EXPECT_EQ(t.emulator.gatekeeper_port, 5100);
  EXPECT_EQ(t.emulator.gatekeeper_api, GatekeeperApi::kTango);
  EXPECT_FALSE(t.emulator.gatekeeper_sap);
  ASSERT_THAT(pop_names(t), ElementsAre("dc1", "dc2"));
  const PopSpec& dc1 = t.pops()[0];
  EXPECT_EQ(dc1.metadata.at("city"), "Paderborn");
  EXPECT_EQ(dc1.resources, (ResourceModelSpec{"fixed", 10, 2048}));
  EXPECT_EQ(dc1.endpoints.at("openstack"), 6001);
  EXPECT_EQ(t.pops()[1].resources, (ResourceModelSpec{"overprovision", 8, 1024}));
  EXPECT_TRUE(t.pops()[1].endpoints.empty());
  ASSERT_EQ(t.switches().size(), 1u);
  EXPECT_EQ(t.switches()[0].name, "s1");
  ASSERT_EQ(t.links().size(), 2u);
  LinkSpec l1{"dc1", "s1", 10'000'000, 1'000'000, 100, 1.5, 500};
  EXPECT_EQ(t.links()[0], l1);
  LinkSpec l2;
  l2.a = "dc2";
  l2.b = "s1";
  l2.delay_ns = 2'500'000;
  EXPECT_EQ(t.links()[1], l2);
}

TEST(SonemuImportTest, YamlNamesTheScriptAndCarriesConnectivity) {
  SonemuImport r = must(kTwoPops);
  std::string yaml = sonemu_import_yaml(r);
  EXPECT_THAT(yaml, StartsWith("# Translated from the son-emu topology script topo.py"));
  EXPECT_THAT(yaml, HasSubstr("connectivity: learning"));
  EXPECT_EQ(r.topology.emulator.connectivity, Connectivity::kLearning);
  auto back = Topology::from_yaml(yaml, "back.yaml");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, r.topology);
}

TEST(SonemuImportTest, NoLearningUnlessAskedOrAReferenceController) {
  SonemuImport off = must("net = DCNetwork(controller=RemoteController)\nnet.addDatacenter('a')\n");
  EXPECT_FALSE(off.learning);
  EXPECT_THAT(warnings(off), ElementsAre());
  EXPECT_THAT(sonemu_import_yaml(off), Not(HasSubstr("connectivity")));
  auto yaml = Topology::from_yaml(sonemu_import_yaml(off), "off.yaml");
  ASSERT_TRUE(yaml.ok()) << yaml.error().message;
  EXPECT_EQ(*yaml, off.topology);

  SonemuImport ref = must(
      "net = DCNetwork(controller=Controller, enable_learning=False)\n"
      "net.addDatacenter('a')\n");
  EXPECT_TRUE(ref.learning);
  EXPECT_THAT(warnings(ref),
              ElementsAre("2: controller=Controller: Mininet's reference controller makes every "
                          "switch a learning switch; translated as connectivity: learning"));
  EXPECT_TRUE(must("net = DCNetwork(None, False, True)\nnet.addDatacenter('a')\n").learning);
}

TEST(SonemuImportTest, PythonConstructsAreFollowed) {
  SonemuImport r = must(R"(
PREFIX = "pop"
def label(i, sep="-", *rest, **options):
    suffix = options.get("suffix", "")
    return PREFIX + sep + str(i) + suffix + "".join(rest)
def make_adder(n):
    def add(x):
        return x + n
    return add
class Base(object):
    kind = "edge"
    def name(self, i):
        return "%s%02d" % (self.kind, i)
class Core(Base):
    kind = "core"
class Ctx(object):
    def __enter__(self):
        return "ctx"
    def __exit__(self, a, b, c):
        global done
        done = True
done = False
net = DCNetwork()
add3 = make_adder(3)
a, (b, c) = 1, [2, 3]
counter = 0
for i in range(10):
    if i == 2:
        continue
    if i > 3:
        break
    counter += i
else:
    counter = -1
net.addDatacenter(label(counter))
net.addDatacenter(label(add3(a), "_", suffix="x"))
net.addDatacenter(Core().name(b))
net.addDatacenter(Base().name(c))
with Ctx() as token:
    net.addDatacenter(token.upper())
net.addDatacenter("late" if done else "early")
d = {"x": 1, "y": 2}
for k in d:
    net.addDatacenter("k-" + k)
net.addDatacenter("-".join("a,b".split(",")))
try:
    n = int("7")
except ValueError:
    n = 0
else:
    n = n * 2
finally:
    n = n + 1
net.addDatacenter("n{}".format(n))
net.addDatacenter("{0}-{name}".format("i", name="j") + "%s" % (None,))
t = (1, 2)
net.addDatacenter("t%d" % len(t) if t and not False else "none")
x = 2 ** 10 // 3 % 7 - -1
net.addDatacenter("x%d" % x)
if 1 < 2 <= 2 != 3 and "a" in "cat" and 4 not in [1, 2] and None is None:
    net.addDatacenter("chain")
elif True:
    net.addDatacenter("wrong")
lst = []
lst += [5]
lst.append(6)
net.addDatacenter("l%d" % sum_of(lst) if False else "l%d" % (lst[0] + lst[-1]))
while False:
    net.addDatacenter("never")
else:
    net.addDatacenter("w")
net.addDatacenter("s" + "abc"[1:] + "x"[::-1] + str(max(3, 9)) + str(min([4, 2])))
def star(*parts, **kw):
    return "-".join(parts) + kw["end"]
spec = ("u", "v")
net.addDatacenter(*("star",), **{"metadata": {"k": "v"}})
net.addDatacenter(star(*spec, **dict(end=".9")))
print "python 2 print", x
print("python 3 print")
)");
  EXPECT_THAT(
      pop_names(r.topology),
      ElementsAre("pop-4", "pop_4x", "core02", "edge03", "CTX", "late", "k-x", "k-y", "a-b", "n15",
                  "i-jNone", "t2", "x6", "chain", "l11", "w", "sbcx92", "star", "u-v.9"));
  EXPECT_THAT(warnings(r), ElementsAre());
}

TEST(SonemuImportTest, LoopsBuildTopologies) {
  SonemuImport r = must(R"(
net = DCNetwork()
dcs = []
for i in range(1, 4):
    dcs.append(net.addDatacenter("dc%d" % i, metadata={"index": i, "core": i == 2}))
for i in range(len(dcs) - 1):
    net.addLink(dcs[i], dcs[i + 1], delay="{}ms".format(5 * (i + 1)))
for name, delay in [("s1", "1ms"), ("s2", "2ms")]:
    net.addLink(net.addSwitch(name), dcs[0], delay=delay)
)");
  EXPECT_THAT(pop_names(r.topology), ElementsAre("dc1", "dc2", "dc3"));
  EXPECT_EQ(r.topology.pops()[1].metadata.at("index"), "2");
  EXPECT_EQ(r.topology.pops()[1].metadata.at("core"), "True");
  ASSERT_EQ(r.topology.links().size(), 4u);
  EXPECT_EQ(r.topology.links()[1].delay_ns, 10'000'000u);
  EXPECT_EQ(r.topology.links()[3].a, "s2");
  EXPECT_THAT(warnings(r),
              ElementsAre("6: metadata['index']: 1 becomes the string '1' in chainlab's metadata",
                          "6: metadata['core']: False becomes the string 'False' in chainlab's "
                          "metadata",
                          "6: metadata['index']: 2 becomes the string '2' in chainlab's metadata",
                          "6: metadata['core']: True becomes the string 'True' in chainlab's "
                          "metadata",
                          "6: metadata['index']: 3 becomes the string '3' in chainlab's metadata"));
}

TEST(SonemuImportTest, DaemonClassWithSignalsAndAWaitLoop) {
  SonemuImport r = must(R"(import signal
import time
class Daemon(object):
    def __init__(self, port=5001):
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        self.create(port)
        self.wait()
    def create(self, port):
        self.net = DCNetwork(enable_learning=False)
        self.dc1 = self.net.addDatacenter("dc1")
        self.api = RestApiEndpoint("0.0.0.0", port + 1)
        self.api.connectDatacenter(self.dc1)
        self.api.start()
    def wait(self):
        while self.running:
            time.sleep(1)
    def _stop(self, signum, frame):
        self.running = False
Daemon(port=6000)
)");
  EXPECT_EQ(r.topology.emulator.rest_port, 6001);
  EXPECT_THAT(warnings(r), ElementsAre("17: while-loop (it repeats until the running script "
                                       "changes its condition): not run by the translation"));
}

TEST(SonemuImportTest, CommandLineOptionsTakeTheirDefaults) {
  SonemuImport r = must(R"(import argparse, sys
def main(args):
    net = DCNetwork(enable_learning=args.learning)
    dc = net.addDatacenter(args.name)
    api = RestApiEndpoint("0.0.0.0", args.get("port") if False else vars(args)["port"] + 1)
    api.connectDatacenter(dc)
    api.start()
parser = argparse.ArgumentParser(description="a topology")
parser.add_argument("--port", "-p", type=int, default=5000, dest="port")
parser.add_argument("--learning", action="store_true")
group = parser.add_argument_group("names")
group.add_argument("-n", "--pop-name", dest="name", default="dc1")
main(parser.parse_args(sys.argv[1:]))
)");
  EXPECT_EQ(r.topology.emulator.rest_port, 5001);
  EXPECT_FALSE(r.learning);
  EXPECT_EQ(r.topology.pops()[0].name, "dc1");
  EXPECT_THAT(warnings(r), ElementsAre("14: parse_args(): translated as run without command-line "
                                       "arguments, with the options' defaults (port=5000, "
                                       "learning=False, name='dc1')"));
  EXPECT_EQ(err("import argparse\np = argparse.ArgumentParser()\np.add_argument('pops')\n"
                "net = DCNetwork()\nnet.addDatacenter(p.parse_args().pops)\n"),
            "topo.py:6: addDatacenter(): label is unknown until the script runs (it comes from "
            "the command-line argument 'pops' (line 4)); the translation needs a constant");
}

TEST(SonemuImportTest, RunTimeValuesAreSkippedOrRefused) {
  // A condition on a run-time value around no topology call: skipped, with a warning; what it
  // assigns is unknown afterwards, and needing it is an error naming where it came from.
  SonemuImport ok = must(R"(import sys, time
net = DCNetwork()
net.addDatacenter("dc1")
if len(sys.argv) > 1:
    verbose = True
for arg in sys.argv:
    print(arg)
try:
    started = time.time()
except Exception as e:
    started = None
)");
  EXPECT_THAT(warnings(ok),
              ElementsAre("5: if-statement (its condition comes from len() at line 5): not run "
                          "by the translation",
                          "7: for-loop over unknown until the script runs (it comes from "
                          "sys.argv): not run by the translation"));
  EXPECT_EQ(err(R"(import sys
net = DCNetwork()
if len(sys.argv) > 1:
    port = 5002
else:
    port = 5001
RestApiEndpoint("0.0.0.0", port).start()
)"),
            "topo.py:8: RestApiEndpoint(): port is unknown until the script runs (it comes from "
            "the if-statement at line 4, which the translation does not run); the translation "
            "needs a constant");
  EXPECT_EQ(err("import time\nnet = DCNetwork()\nnet.addDatacenter('dc%d' % time.time())\n"),
            "topo.py:4: addDatacenter(): label is unknown until the script runs (it comes from "
            "time.time() at line 4); the translation needs a constant");
  // Around topology calls: refused, also through the script's own functions.
  EXPECT_EQ(err("import os\nnet = DCNetwork()\nif os.environ.get('X'):\n"
                "    net.addDatacenter('dc1')\n"),
            "topo.py:4: unsupported construct: this if-statement (its condition comes from "
            "os.environ.get() at line 4) holds son-emu topology calls, and the translation cannot "
            "decide it without running the script");
  EXPECT_THAT(err("import os\nnet = DCNetwork()\ndef more(n):\n    n.addSwitch('s1')\n"
                  "for x in os.listdir('.'):\n    more(net)\n"),
              StartsWith("topo.py:6: unsupported construct: this for-loop over unknown until the "
                         "script runs (it comes from os.listdir() at line 6) holds son-emu "
                         "topology calls"));
  EXPECT_THAT(err("net = DCNetwork()\ni = 0\nwhile i < 3:\n    net.addDatacenter('dc%d' % i)\n"
                  "    i += 1\n"),
              StartsWith("topo.py:4: unsupported construct: this while-loop"));
  EXPECT_THAT(err("net = DCNetwork()\ntry:\n    net.start()\nexcept Exception:\n"
                  "    net.addDatacenter('backup')\n"),
              StartsWith("topo.py:5: unsupported construct: this except-handler holds son-emu "
                         "topology calls"));
  EXPECT_EQ(err("def deco(f):\n    return f\n@deco\ndef build():\n    DCNetwork()\nbuild()\n"),
            "topo.py:5: unsupported construct: a decorator on a function that builds the "
            "topology");
  // A list changed where the translation could not follow is unknown afterwards.
  EXPECT_EQ(err("import os\nnet = DCNetwork()\nnames = ['a']\nif os.getenv('X'):\n"
                "    names.append('b')\nfor n in names:\n    net.addDatacenter(n)\n"),
            "topo.py:7: unsupported construct: this for-loop over unknown until the script runs "
            "(changed in the if-statement at line 5, which the translation does not run) holds "
            "son-emu topology calls, and the translation cannot decide it without running the "
            "script");
}

TEST(SonemuImportTest, WarningsForWhatHasNoEquivalent) {
  SonemuImport r = must(R"(import emuvim.api.sonata.dummygatekeeper as dgk
from emuvim.api.zerorpc.compute import ZeroRpcApiEndpoint
net = DCNetwork(monitor=True, autoSetMacs=True)
dc1 = net.addDatacenter("dc1", resource_log_path="/tmp/rm.log")
dc2 = net.addDatacenter("dc2")
d1 = net.addDocker("d1", dimage="ubuntu:trusty")
h1 = net.addHost("h1")
net.addLink(d1, dc1)
net.addLink("h1", dc1, delay="1ms")
net.addLink(dc1, dc2, delay=10, bw=2000, cls=Link)
net.addLink(dc1, dc2, delay=250, use_htb=True)
dc1.startCompute("vnf1", flavor_name="small")
net.setChain("vnf1", "vnf2")
net.ping([d1, h1])
net.frobnicate()
dgk.BIDIRECTIONAL_CHAIN = True
rapi = RestApiEndpoint("127.0.0.1", 5001)
rapi.connectDatacenter(dc1)
rapi.start()
api = OpenstackApiEndpoint("0.0.0.0", 6001)
api.connect_datacenter(dc1)
gk = SonataDummyGatekeeperEndpoint("0.0.0.0", 5000, deploy_sap=True, auto_deploy=True)
gk.connectDatacenter(dc2)
gk.start()
z = ZeroRpcApiEndpoint("0.0.0.0", 4242)
z.connectDatacenter(dc1)
)");
  EXPECT_THAT(
      warnings(r),
      ElementsAre(
          "4: monitor=True: chainlab has no Prometheus/cAdvisor monitoring; ignored",
          "4: DCNetwork(autoSetMacs=...): a Mininet option chainlab does not translate; ignored",
          "5: resource_log_path is not translated: chainlab logs every allocation to "
          "/run/chainlab/runs/<run>/allocations.jsonl",
          "7: addDocker('d1'): a host attached to a switch outside any PoP has no chainlab "
          "equivalent; not translated (start instances in a PoP with `chainlab compute start -d "
          "POP`)",
          "8: addHost('h1'): a host attached to a switch outside any PoP has no chainlab "
          "equivalent; not translated (start instances in a PoP with `chainlab compute start -d "
          "POP`)",
          "9: link to addDocker('d1') (line 7) is not translated: it has no chainlab equivalent",
          "10: link to addHost('h1') (line 8) is not translated: it has no chainlab equivalent",
          "11: delay=10 has no unit: tc reads a bare number as microseconds (10us)",
          "11: bw=2000: Mininet ignores a bandwidth outside 0..1000 Mbit/s, so the link is not "
          "rate limited; translated the same way",
          "11: cls=Link: Mininet does not shape this link, so its delay, jitter, bw and loss are "
          "dropped",
          "12: delay=250 has no unit: tc reads a bare number as microseconds (250us)",
          "12: addLink(use_htb=...) is not translated; ignored",
          "13: startCompute('vnf1'): instances are not part of a chainlab topology; once "
          "`chainlab run` is up use `chainlab compute start -d dc1 -n vnf1`",
          "14: setChain(): chains are run-time state, not topology; after `chainlab run` use "
          "`chainlab network add`",
          "16: DCNetwork.frobnicate() has no chainlab equivalent; ignored",
          "17: setting emuvim.api.sonata.dummygatekeeper.BIDIRECTIONAL_CHAIN has no chainlab "
          "equivalent; ignored",
          "18: RestApiEndpoint listens on 127.0.0.1 in son-emu; chainlab's endpoints listen on "
          "the address given to `chainlab run --listen` (default 0.0.0.0)",
          "18: RestApiEndpoint is not connected to dc2; chainlab's REST API covers every PoP",
          "21: OpenstackApiEndpoint is never started (no .start()); not translated",
          "23: SonataDummyGatekeeperEndpoint(auto_deploy=True) is not translated: chainlab's "
          "gatekeeper has no such setting (docs/api/gatekeeper.md)",
          "23: SonataDummyGatekeeperEndpoint is not connected to dc1; chainlab's gatekeeper "
          "covers every PoP",
          "26: ZeroRpcApiEndpoint: son-emu's old zerorpc API has no chainlab equivalent (use the "
          "REST API); ignored"));
  const Topology& t = r.topology;
  ASSERT_EQ(t.links().size(), 2u);
  EXPECT_EQ(t.links()[0], (LinkSpec{"dc1", "dc2"}));  // cls=Link: unshaped
  EXPECT_EQ(t.links()[1].delay_ns, 250'000u);
  EXPECT_TRUE(t.pops()[0].endpoints.empty());
  EXPECT_EQ(t.emulator.gatekeeper_port, 5000);
  EXPECT_EQ(t.emulator.gatekeeper_api, GatekeeperApi::kSonata);
  EXPECT_TRUE(t.emulator.gatekeeper_sap) << "deploy_sap=True";
}

TEST(SonemuImportTest, OsmHelpersKeepTheirPopAndOpenstackApis) {
  SonemuImport r = must(R"(from emuvim.api.osm.pre_configured_osm import PreConfiguredOSM
from emuvim.api.osm.zookeeper import Zookeeper
for n in range(3):
    with PreConfiguredOSM() as osm:
        osm.onboard_vnfd('vnfs/ping')
        for ns in osm.ns_list():
            osm.ns_delete(ns['id'])
)");
  EXPECT_THAT(pop_names(r.topology), ElementsAre("dc1"));
  EXPECT_EQ(r.topology.pops()[0].endpoints.at("openstack"), 6001);
  EXPECT_EQ(r.topology.switches().size(), 1u);
  EXPECT_TRUE(r.learning);
  EXPECT_THAT(warnings(r), ElementsAre(StartsWith("5: PreConfiguredOSM(): OSM itself"),
                                       "5: the script builds this DCNetwork 3 times (a loop); "
                                       "translated once",
                                       StartsWith("7: for-loop over unknown until the script runs "
                                                  "(it comes from ns_list() at line 7)")));
  // Not started: no OpenStack APIs.
  SonemuImport idle = must(
      "from emuvim.api.osm.pre_configured_osm import PreConfiguredOSM\n"
      "osm = PreConfiguredOSM()\n");
  EXPECT_TRUE(idle.topology.pops()[0].endpoints.empty());
}

TEST(SonemuImportTest, TopologyErrorsNameTheLine) {
  EXPECT_EQ(err("x = 1\n"), "topo.py: no DCNetwork() is created: not a son-emu topology script");
  EXPECT_EQ(import_sonemu_script("import os\n", "a.py").error().message,
            "a.py: no DCNetwork() is created: not a son-emu topology script (it imports nothing "
            "from emuvim)");
  EXPECT_EQ(err("net = DCNetwork()\nnet.addDatacenter('dc1')\nnet.addDatacenter('dc1')\n"),
            "topo.py:4: addDatacenter(): label 'dc1' is already used by the datacenter at line 3 "
            "(son-emu raises 'Data center label already exists')");
  EXPECT_EQ(err("net = DCNetwork()\nnet.addDatacenter('my dc')\n"),
            "topo.py:3: PoP 'my dc': name: PoP name 'my dc' has invalid character ' ' at position "
            "2; allowed are A-Z a-z 0-9 _ . : -");
  EXPECT_EQ(err("net = DCNetwork()\nnet.addDatacenter(5)\n"),
            "topo.py:3: addDatacenter(): label must be a string, not int 5");
  EXPECT_EQ(err("net = DCNetwork()\nnet.addDatacenter()\n"),
            "topo.py:3: addDatacenter(): missing argument 'label'");
  EXPECT_EQ(err("net = DCNetwork()\nnet.addDatacenter('a', foo=1)\n"),
            "topo.py:3: addDatacenter(): got an unexpected keyword argument 'foo'");
  EXPECT_EQ(err("net = DCNetwork()\nnet.addDatacenter('a', metadata={'k': [1]})\n"),
            "topo.py:3: addDatacenter(): metadata['k'] is list [1]; chainlab metadata holds "
            "strings and numbers only");
  EXPECT_EQ(err("net = DCNetwork()\nnet.addDatacenter('a')\nnet.addLink('a', 'b')\n"),
            "topo.py:4: addLink(): node2: no datacenter, switch or host named 'b' in this "
            "DCNetwork");
  EXPECT_EQ(err("net = DCNetwork()\nnet.addLink(1, 2)\n"),
            "topo.py:3: addLink(): node1 must be a datacenter, a switch or a node name, not int 1");
  EXPECT_EQ(err("n1 = DCNetwork()\nn2 = DCNetwork()\na = n1.addDatacenter('a')\n"
                "b = n2.addDatacenter('b')\nn1.addLink(a, b)\n"),
            "topo.py:6: addLink(): node2 'b' belongs to another DCNetwork (line 3)");
  EXPECT_EQ(err("n1 = DCNetwork()\nn1.addDatacenter('a')\nn2 = DCNetwork()\n"
                "n2.addDatacenter('b')\n"),
            "topo.py:4: a second DCNetwork that differs from the first one (line 2); chainlab runs "
            "one topology per file");
  EXPECT_EQ(err("net = DCNetwork()\na = net.addDatacenter('a')\nb = net.addDatacenter('b')\n"
                "net.addLink(a, b)\nnet.removeLink(node1=a, node2=b)\n"),
            "topo.py:6: unsupported construct: removeLink() takes part of the topology away while "
            "it is built; write the topology without it");
  EXPECT_EQ(err("net = DCNetwork(dc_emulation_max_cpu=2)\n"),
            "topo.py:2: DCNetwork(): dc_emulation_max_cpu: 2 is out of range; use a fraction in "
            "(0, 1]");
  EXPECT_EQ(err("net = DCNetwork(enable_learning='maybe' + 1)\n"),
            "topo.py:2: unsupported operand types for +: 'str' and 'int'");
  EXPECT_EQ(err("class MyNet(DCNetwork):\n    pass\n"),
            "topo.py:2: unsupported construct: class MyNet derives from son-emu's "
            "emuvim.dcemulator.net.DCNetwork");
}

TEST(SonemuImportTest, LinkParameterErrors) {
  const std::string two =
      "net = DCNetwork()\na = net.addDatacenter('a')\nb = "
      "net.addDatacenter('b')\n";  // lines 2-4
  EXPECT_EQ(err(two + "net.addLink(a, b, loss=150)\n"),
            "topo.py:5: addLink(): loss=150 is outside 0..100 percent (Mininet would drop this "
            "link's whole netem setting)");
  EXPECT_EQ(err(two + "net.addLink(a, b, delay='10 parsecs')\n"),
            "topo.py:5: addLink(): delay='10 parsecs': unknown time unit ' parsecs' (tc knows s, "
            "ms, us, ns)");
  EXPECT_EQ(err(two + "net.addLink(a, b, delay='-1ms')\n"),
            "topo.py:5: addLink(): delay='-1ms' is not a tc time such as '10ms'");
  EXPECT_EQ(err(two + "net.addLink(a, b, delay='1ms', jitter='5ms')\n"),
            "topo.py:5: link a-b: jitter: 5ms exceeds the delay 1ms");
  EXPECT_EQ(err(two + "net.addLink(a, b, delay='61s')\n"),
            "topo.py:5: link a-b: delay: 61s exceeds the maximum of 60s");
  EXPECT_EQ(err(two + "net.addLink(a, b, bw='10M')\n"),
            "topo.py:5: addLink(): bw must be a number, not '10M'");
  EXPECT_EQ(err(two + "net.addLink(a, b, max_queue_size=0)\n"),
            "topo.py:5: addLink(): max_queue_size=0 is out of range 1..1000000 packets");
  EXPECT_EQ(err(two + "net.addLink(a, a)\n"), "topo.py:5: link a-a: b: link from 'a' to itself");
  SonemuImport units = must(two +
                            "net.addLink(a, b, delay='1.5S', jitter='250usec')\n"
                            "net.addLink(a, b, delay='2secs', jitter=None)\n");
  EXPECT_EQ(units.topology.links()[0].delay_ns, 1'500'000'000u);
  EXPECT_EQ(units.topology.links()[0].jitter_ns, 250'000u);
  EXPECT_EQ(units.topology.links()[1].delay_ns, 2'000'000'000u);
}

TEST(SonemuImportTest, ResourceModelRules) {
  const std::string two =
      "net = DCNetwork()\na = net.addDatacenter('a')\nb = "
      "net.addDatacenter('b')\n";  // lines 2-4
  SonemuImport dummy = must(two + "a.assignResourceModel(UpbDummyRM(max_cu=2))\n");
  EXPECT_EQ(dummy.topology.pops()[0].resources.model, "none");
  EXPECT_EQ(err(two + "rm = UpbSimpleCloudDcRM()\na.assignResourceModel(rm)\n"
                      "a.assignResourceModel(UpbSimpleCloudDcRM())\n"),
            "topo.py:7: assignResourceModel(): datacenter 'a' already has a resource model (line "
            "5); son-emu raises 'There is already an resource model assigned'");
  EXPECT_EQ(err(two + "rm = UpbSimpleCloudDcRM()\na.assignResourceModel(rm)\n"
                      "b.assignResourceModel(rm)\n"),
            "topo.py:7: assignResourceModel(): the UpbSimpleCloudDcRM of line 5 is already "
            "assigned to 'a': son-emu would share one budget between two PoPs, chainlab has one "
            "per PoP");
  EXPECT_EQ(err(two + "a.assignResourceModel(UpbDummyRM())\n"
                      "b.assignResourceModel(UpbSimpleCloudDcRM())\n"),
            "topo.py:5: UpbDummyRM next to limiting resource models: son-emu counts its max_cu in "
            "every PoP's CPU share, chainlab's model `none` does not; use one kind of model per "
            "topology or UpbSimpleCloudDcRM");
  EXPECT_EQ(err(two + "UpbSimpleCloudDcRM(deactivate_cpu_limit=True)\n"),
            "topo.py:5: UpbSimpleCloudDcRM(): deactivate_cpu_limit=True has no chainlab "
            "equivalent (a PoP's model limits both CPU and memory); refusing to change what the "
            "topology means");
  EXPECT_EQ(err(two + "a.assignResourceModel(UpbSimpleCloudDcRM(max_cu=0))\n"),
            "topo.py:3: PoP 'a': resources.max_cu: 0 is not positive");
  EXPECT_EQ(err(two + "a.assignResourceModel('fixed')\n"),
            "topo.py:5: assignResourceModel(): rm must be a resource model, not 'fixed'");
}

TEST(SonemuImportTest, EndpointRules) {
  const std::string two =
      "net = DCNetwork()\na = net.addDatacenter('a')\nb = "
      "net.addDatacenter('b')\n";  // lines 2-4
  EXPECT_EQ(err(two + "r1 = RestApiEndpoint('0.0.0.0', 5001)\nr1.connectDatacenter(a)\n"
                      "r1.start()\nr2 = RestApiEndpoint('0.0.0.0', 5002)\n"
                      "r2.connectDatacenter(b)\nr2.start()\n"),
            "topo.py:8: a second RestApiEndpoint on port 5002 (the first, line 5, is on 5001); "
            "chainlab serves one on one port");
  EXPECT_EQ(err(two + "for dc in [a, a]:\n    api = OpenstackApiEndpoint('0.0.0.0', 6001)\n"
                      "    api.connect_datacenter(dc)\n    api.start()\n"),
            "topo.py:6: a second OpenstackApiEndpoint for datacenter 'a'; chainlab serves one set "
            "of OpenStack APIs per PoP");
  EXPECT_EQ(err(two + "OpenstackApiEndpoint('0.0.0.0', 61000)\n"),
            "topo.py:5: OpenstackApiEndpoint(): port 61000 is out of range 0..60839 (its Neutron "
            "API listens on port + 4696)");
  EXPECT_EQ(err(two + "RestApiEndpoint('0.0.0.0', '5001')\n"),
            "topo.py:5: RestApiEndpoint(): port must be an integer, not '5001'");
  EXPECT_EQ(err(two + "RestApiEndpoint('0.0.0.0')\n"),
            "topo.py:5: RestApiEndpoint(): missing argument 'port'");
  EXPECT_EQ(err(two + "n2 = DCNetwork()\nc = n2.addDatacenter('a')\nn2.addDatacenter('b')\n"
                      "r = RestApiEndpoint('0.0.0.0', 5001)\nr.connectDatacenter(a)\n"
                      "r.connectDatacenter(c)\n"),
            "topo.py:10: RestApiEndpoint (line 8) is connected to two different DCNetworks (lines "
            "2 and 5)");
  SonemuImport last = must(two +
                           "api = OpenstackApiEndpoint('0.0.0.0', 6001)\n"
                           "api.connect_datacenter(a)\napi.connect_datacenter(b)\n"
                           "api.start()\nr = RestApiEndpoint('0.0.0.0', 0, net)\n"
                           "r.start()\n");
  EXPECT_TRUE(last.topology.pops()[0].endpoints.empty());
  EXPECT_EQ(last.topology.pops()[1].endpoints.at("openstack"), 6001);
  EXPECT_EQ(last.topology.emulator.rest_port, 0);
  EXPECT_THAT(warnings(last),
              ElementsAre("7: OpenstackApiEndpoint (line 5) connects a second datacenter; it "
                          "serves only the last one, 'b' (son-emu: one datacenter per OpenStack "
                          "endpoint)",
                          "9: RestApiEndpoint is not connected to a, b; chainlab's REST API covers "
                          "every PoP"));
  SonemuImport unused = must(two + "RestApiEndpoint('0.0.0.0', 5005).start()\n");
  EXPECT_EQ(unused.topology.emulator.rest_port, 5001);
  EXPECT_THAT(warnings(unused),
              ElementsAre("5: RestApiEndpoint is connected to no datacenter; ignored"));
}

TEST(SonemuImportTest, GatekeeperEndpointsChooseTheApiAndSaps) {
  const std::string one = "net = DCNetwork()\na = net.addDatacenter('a')\n";  // lines 2-3
  SonemuImport sonata = must(one +
                             "gk = SonataDummyGatekeeperEndpoint('0.0.0.0', 5000)\n"
                             "gk.connectDatacenter(a)\ngk.start()\n");
  EXPECT_EQ(sonata.topology.emulator.gatekeeper_api, GatekeeperApi::kSonata);
  EXPECT_FALSE(sonata.topology.emulator.gatekeeper_sap) << "son-emu's default deploy_sap=False";
  EXPECT_THAT(warnings(sonata), ElementsAre());
  EXPECT_NE(sonata.topology.to_yaml().find("gatekeeper_api: sonata"), std::string::npos)
      << sonata.topology.to_yaml();

  SonemuImport sap = must(one +
                          "gk = SonataDummyGatekeeperEndpoint('0.0.0.0', 5000, True)\n"
                          "gk.connectDatacenter(a)\ngk.start()\n");
  EXPECT_TRUE(sap.topology.emulator.gatekeeper_sap) << "deploy_sap given by position";
  EXPECT_NE(sap.topology.to_yaml().find("gatekeeper_sap: true"), std::string::npos)
      << sap.topology.to_yaml();

  SonemuImport tango = must(one +
                            "gk = TangoLLCMEndpoint('0.0.0.0', 5000, deploy_sap=True)\n"
                            "gk.connectDatacenter(a)\ngk.start()\n");
  EXPECT_EQ(tango.topology.emulator.gatekeeper_api, GatekeeperApi::kTango);
  EXPECT_FALSE(tango.topology.emulator.gatekeeper_sap) << "the LLCM ignores deploy_sap";
  EXPECT_THAT(warnings(tango),
              ElementsAre("4: TangoLLCMEndpoint(deploy_sap=True) is not translated: son-emu's "
                          "5GTANGO LLCM never deploys SAPs (set emulator.gatekeeper_sap to have "
                          "them)"));
  EXPECT_EQ(err(one + "gk = SonataDummyGatekeeperEndpoint('0.0.0.0', 5000, deploy_sap=input())\n"),
            "topo.py:4: SonataDummyGatekeeperEndpoint(): deploy_sap is unknown until the script "
            "runs (it comes from input() at line 4); the translation needs a constant");
}

TEST(SonemuImportTest, ScriptFailuresStopTheTranslation) {
  EXPECT_EQ(err("net = DCNetwork()\nraise RuntimeError('no docker')\n"),
            "topo.py:3: the script raises RuntimeError() here, so it would stop; the translation "
            "stops too");
  EXPECT_EQ(err("assert 1 == 2\n"),
            "topo.py:2: the assertion fails (AssertionError), so the script would stop");
  EXPECT_EQ(err("net = DCNetwork()\nnet.addDatacenter(nme)\n"),
            "topo.py:3: name 'nme' is not defined");
  EXPECT_EQ(err("def f(a):\n    pass\nf()\n"), "topo.py:4: f() is missing the argument 'a'");
  EXPECT_EQ(err("def f(a):\n    pass\nf(1, 2)\n"),
            "topo.py:4: f() takes 1 positional arguments but 2 were given");
  EXPECT_EQ(err("def f(a):\n    pass\nf(b=1)\n"),
            "topo.py:4: f() got an unexpected keyword argument 'b'");
  EXPECT_EQ(err("def f():\n    f()\nf()\n"),
            "topo.py:3: calls nested more than 50 deep (recursion?) in f()");
  EXPECT_THAT(err("for i in range(10 ** 6):\n    pass\n"),
              StartsWith("topo.py:2: the script takes more than 200000 steps to read"));
  EXPECT_EQ(err("x = 'x' * (1 << 30)\n"), "topo.py:2: string longer than 1048576 bytes");
  EXPECT_EQ(err("x = 2 ** 64\n"),
            "topo.py:2: integer overflow (the translation computes with 64-bit integers)");
  EXPECT_EQ(err("x = 1 / 0\n"), "topo.py:2: division by zero");
  EXPECT_EQ(err("x = [1][3]\n"), "topo.py:2: list index out of range (IndexError)");
  EXPECT_EQ(err("x = {'a': 1}['b']\n"), "topo.py:2: key 'b' is not in the dict (KeyError)");
  EXPECT_EQ(err("a, b = 1, 2, 3\n"), "topo.py:2: cannot unpack 3 values into 2 targets");
  EXPECT_EQ(err("x = '%d' % 'a'\n"), "topo.py:2: %d format: a number is required, not str");
  EXPECT_EQ(err("x = '%s %s' % (1,)\n"), "topo.py:2: not enough arguments for format string");
  EXPECT_EQ(err("x = '{} {}'.format(1)\n"), "topo.py:2: format field 1 has no argument (1 given)");
  EXPECT_EQ(err("return 1\n"), "topo.py:2: 'return' outside a function");
  EXPECT_EQ(err("break\n"), "topo.py:2: 'break' outside a loop");
  EXPECT_EQ(err("x = 5\nx.foo = 1\n"), "topo.py:3: cannot set attribute 'foo' of int 5");
  EXPECT_EQ(err("class C(object):\n    pass\nC().missing\n"),
            "topo.py:4: 'C' object has no attribute 'missing'");
  EXPECT_EQ(err("x = 5()\n"), "topo.py:2: int 5 is not callable");
  EXPECT_EQ(err("for x in 5:\n    pass\n"), "topo.py:2: int 5 is not iterable");
  EXPECT_EQ(err("s = 'x' * (1 << 19)\nl = []\nfor i in range(1000):\n    l.append(s + 'y')\n"),
            "topo.py: the script builds more than 64 MiB of strings and lists; not a topology "
            "script");
  EXPECT_EQ(err("x = '{:99999}'.format(1)\n"),
            "topo.py:2: format spec '99999': width or precision over 9999");
  // Expressions nested inside recursive calls: bounded before the C++ stack is.
  EXPECT_EQ(err("def f(n):\n    return " + std::string(40, '[') + "f(n)" + std::string(40, ']') +
                "\nf(1)\n"),
            "topo.py:3: statements, expressions and calls nested too deeply (recursion?)");
  // Objects: a list of lists of lists grows quickly.
  EXPECT_THAT(err("x = []\nfor i in range(100000):\n    x = [x, [], []]\n"),
              HasSubstr("objects; not a topology script"));
}

TEST(SonemuImportTest, FilesAndHostileInput) {
  EXPECT_EQ(import_sonemu_file("/nonexistent/topo.py").error().code, ErrorCode::kNotFound);
  std::string dir = ::testing::TempDir();
  std::string big = dir + "/big.py";
  {
    std::ofstream out(big);
    out << std::string((1u << 20) + 1, '#');
  }
  EXPECT_THAT(import_sonemu_file(big).error().message,
              HasSubstr("1048577 bytes is too large for a topology script (at most 1048576)"));
  std::remove(big.c_str());
  std::string bin = dir + "/bin.py";
  {
    std::ofstream out(bin, std::ios::binary);
    out << std::string(
        "\x7f"
        "ELF\x02\x01\x01\0\0\0",
        10);
  }
  EXPECT_EQ(import_sonemu_file(bin).error().message,
            bin + ":1: NUL byte: binary data, not a Python script");
  std::remove(bin.c_str());
  EXPECT_EQ(import_sonemu_script("x = " + std::string(60, '[') + std::string(60, ']'), "d.py")
                .error()
                .message,
            "d.py:1: brackets nested more than 48 deep");
  // Deep recursion through expressions inside recursive calls stays within the stack.
  std::string deep =
      "def f(n):\n    return " + std::string(40, '(') + "f(n)" + std::string(40, ')') + "\nf(1)\n";
  EXPECT_THAT(import_sonemu_script(deep, "r.py").error().message, StartsWith("r.py:2: "));
}

// The YAML of a learning topology carries its connectivity; awkward strings keep their meaning.
TEST(SonemuImportTest, LearningYamlKeepsAwkwardStrings) {
  SonemuImport r = must(
      "net = DCNetwork(enable_learning=True)\n"
      "net.addDatacenter('dc1', metadata={'a': 'null', 'b': '', 'c': '~', 'd': 'yes', "
      "'e': '1: x', 'f': '#x', 'g': 'two\\nlines', 'h': \"'q'\"})\n");
  std::string yaml = sonemu_import_yaml(r);
  ASSERT_NE(yaml.find("connectivity: learning"), std::string::npos) << yaml;
  auto back = Topology::from_yaml(yaml, "back.yaml");
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << yaml;
  EXPECT_EQ(*back, r.topology) << yaml;
  EXPECT_EQ(back->pops()[0].metadata.at("g"), "two\nlines");
}

// Whatever a script's strings hold, its warnings stay comments in the YAML.
TEST(SonemuImportTest, WarningsCannotInjectYaml) {
  SonemuImport r = must(
      "net = DCNetwork()\ndc = net.addDatacenter('dc1')\n"
      "dc.startCompute('x\\nemulator: {rest_port: 1}\\r\\x01')\n");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_THAT(r.warnings[0].message,
              HasSubstr("startCompute('x\\nemulator: {rest_port: 1}\\r\\x01')"));
  auto back = Topology::from_yaml(sonemu_import_yaml(r), "back.yaml");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->emulator.rest_port, 5001);
}

// Every son-emu script shipped in examples/sonemu/ translates without warnings.
TEST(SonemuImportTest, EveryExampleInTheRepositoryTranslates) {
  std::string dir = std::string(CHAINLAB_SOURCE_DIR) + "/examples/sonemu";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    auto r = import_sonemu_file(entry.path().string());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_THAT(warnings(*r), ElementsAre()) << entry.path();
    EXPECT_GE(r->topology.pops().size(), 2u) << entry.path();
    std::string yaml = sonemu_import_yaml(*r);
    auto back = Topology::from_yaml(yaml, entry.path().string());
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, r->topology);
    ++count;
  }
  EXPECT_GE(count, 2);
  auto two = import_sonemu_file(dir + "/two_pops.py");
  ASSERT_TRUE(two.ok());
  // The default topology, but with a switch between the PoPs.
  EXPECT_EQ(two->topology.pops()[1].endpoints.at("openstack"), 6002);
  EXPECT_EQ(two->topology.emulator.gatekeeper_port, 5000);
  EXPECT_FALSE(two->learning);
  auto learning = import_sonemu_file(dir + "/learning_resource_models.py");
  ASSERT_TRUE(learning.ok());
  EXPECT_TRUE(learning->learning);
  EXPECT_EQ(learning->topology.links()[1].bw_mbps, 1000);
}

// Pseudo-random mutations of a son-emu style script: a Translation or an Error naming the source,
// never a crash or a hang.
TEST(SonemuImportTest, MutatedScriptsNeverCrash) {
  uint64_t state = 7;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  const std::string seed = kImports + kTwoPops;
  const std::string alphabet = "()[]{}:,.'\"\n #=+-*%0123456789abdcs_";
  for (int round = 0; round < 1500; ++round) {
    std::string text = seed;
    int edits = 1 + static_cast<int>(next() % 4);
    for (int k = 0; k < edits; ++k) {
      size_t at = next() % text.size();
      if (next() % 2 == 0) {
        text.erase(at, 1 + next() % 3);
      } else {
        text.insert(at, 1, alphabet[next() % alphabet.size()]);
      }
    }
    auto r = import_sonemu_script(text, "m.py");
    if (!r.ok()) {
      EXPECT_THAT(r.error().message, StartsWith("m.py")) << text;
    }
  }
}

}  // namespace
}  // namespace chainlab::emulator
