"""
chainlab's default topology written as a son-emu topology script:

    (dc1) <-- 5 ms --> s1 <-- 5 ms --> (dc2)

Each PoP has OpenStack-like APIs, the son-emu REST API serves both, and the
5GTANGO LLCM (gatekeeper) deploys packages on them. No learning: instances
reach each other only once chained (chainlab network add ...).

    chainlab topology import examples/sonemu/two_pops.py    # the YAML it becomes
    chainlab run examples/sonemu/two_pops.py                # translated and run

chainlab reads this file without running it (docs/sonemu-import.md); with
son-emu installed it runs there as well.
"""
import logging
from mininet.log import setLogLevel
from emuvim.dcemulator.net import DCNetwork
from emuvim.api.rest.rest_api_endpoint import RestApiEndpoint
from emuvim.api.openstack.openstack_api_endpoint import OpenstackApiEndpoint
from emuvim.api.tango import TangoLLCMEndpoint

logging.basicConfig(level=logging.INFO)


def create_topology():
    net = DCNetwork(monitor=False, enable_learning=False)
    pops = []
    for i in range(1, 3):
        pops.append(net.addDatacenter("dc%d" % i, metadata={"role": "edge"}))
    s1 = net.addSwitch("s1")
    for pop in pops:
        net.addLink(pop, s1, delay="5ms")
    # OpenStack APIs per PoP: Keystone on 6001 (dc1) and 6002 (dc2)
    for i, pop in enumerate(pops):
        api = OpenstackApiEndpoint("0.0.0.0", 6001 + i)
        api.connect_datacenter(pop)
        api.connect_dc_network(net)
        api.start()
    rapi = RestApiEndpoint("0.0.0.0", 5001)
    rapi.connectDCNetwork(net)
    llcm = TangoLLCMEndpoint("0.0.0.0", 5000)
    for pop in pops:
        rapi.connectDatacenter(pop)
        llcm.connectDatacenter(pop)
    rapi.start()
    llcm.start()
    net.start()
    net.CLI()
    net.stop()


def main():
    setLogLevel('info')
    create_topology()


if __name__ == '__main__':
    main()
