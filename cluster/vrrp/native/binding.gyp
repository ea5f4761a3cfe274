# The VRRP takeover path in process: a Node-API addon (C, ours) for what
# Node cannot do itself, a gratuitous ARP on a packet socket and an address
# change over rtnetlink, and the kernel's receive time of an advert. Built by `npm install` (package.json's install
# script) against the headers of .npmrc's nodedir, like raw-socket.
{
  "targets": [
    {
      "target_name": "hawser_vrrp_native",
      "sources": ["addon.c", "gratuitous-arp.c", "netlink-address.c", "receive-stamp.c", "interface-index.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-O2"]
    }
  ]
}
