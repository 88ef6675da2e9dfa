"""
Three PoPs in a line, each with its own resource model, and son-emu's
learning mode: every instance reaches every other one without a chain.

    (edge) <-- 2 ms --> (core) <-- 20 ms, 1 Gbit/s --> (cloud)

    edge:  UpbSimpleCloudDcRM (fixed): refuses what does not fit in 4 CU / 512 MB
    core:  UpbOverprovisioningCloudDcRM: never refuses, shrinks CPU shares instead
    cloud: no model (no limits)

All instances together get at most half the machine's CPU and 2 GB.
Becomes `emulator: {connectivity: learning, e_cpu: 0.5, e_mem: 2048}` (docs/sonemu-import.md).
"""
from emuvim.dcemulator.net import DCNetwork
from emuvim.api.rest.rest_api_endpoint import RestApiEndpoint
from emuvim.dcemulator.resourcemodel.upb.simple import UpbSimpleCloudDcRM
from emuvim.dcemulator.resourcemodel.upb.simple import UpbOverprovisioningCloudDcRM

LINKS = [("edge", "core", "2ms", None), ("core", "cloud", "20ms", 1000)]


class LearningTopology(object):

    def __init__(self, rest_port=5001):
        self.net = DCNetwork(monitor=False, enable_learning=True,
                             dc_emulation_max_cpu=0.5, dc_emulation_max_mem=2048)
        self.dcs = {}
        for label in ["edge", "core", "cloud"]:
            self.dcs[label] = self.net.addDatacenter(label, metadata={"tier": label})
        for a, b, delay, bw in LINKS:
            self.net.addLink(self.dcs[a], self.dcs[b], delay=delay, bw=bw)
        self.dcs["edge"].assignResourceModel(UpbSimpleCloudDcRM(max_cu=4, max_mu=512))
        self.dcs["core"].assignResourceModel(UpbOverprovisioningCloudDcRM(max_cu=16, max_mu=2048))
        self.api = RestApiEndpoint("0.0.0.0", rest_port)
        self.api.connectDCNetwork(self.net)
        for dc in self.dcs.values():
            self.api.connectDatacenter(dc)

    def run(self):
        self.api.start()
        self.net.start()
        self.net.CLI()
        self.net.stop()


if __name__ == '__main__':
    LearningTopology().run()
