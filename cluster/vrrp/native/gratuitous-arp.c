/* Gratuitous ARP through a packet socket: what `arping -U` does, without a
 * process to spawn, so the announcement leaves right after the address is
 * added. SOCK_DGRAM lets the kernel write the Ethernet header; protocol 0
 * means the socket never receives, so nothing queues up on it. The socket
 * is opened once and kept: closing a packet socket waits for an RCU grace
 * period (5 to 20 ms measured), which would stall the event loop. */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/if_ether.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "native.h"

static int packet_fd = -1;

int hawser_gratuitous_arp(const char *ifname, const uint8_t ip[4], unsigned count) {
  if (packet_fd < 0) {
    packet_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (packet_fd < 0) return errno;
  }
  int fd = packet_fd;
  unsigned ifindex;
  int lookup = hawser_ifindex(fd, ifname, &ifindex);
  if (lookup != 0) return lookup;

  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) return errno;
  /* No Ethernet, no ARP (lo, a tun). */
  if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) return EPROTONOSUPPORT;

  struct ether_arp arp;
  memset(&arp, 0, sizeof arp);
  arp.arp_hrd = htons(ARPHRD_ETHER);
  arp.arp_pro = htons(ETHERTYPE_IP);
  arp.arp_hln = ETH_ALEN;
  arp.arp_pln = 4;
  /* A request, like arping -U and keepalived: a reply to nobody is dropped by some switches and hosts. */
  arp.arp_op = htons(ARPOP_REQUEST);
  memcpy(arp.arp_sha, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
  memcpy(arp.arp_spa, ip, 4);
  memset(arp.arp_tha, 0xff, ETH_ALEN);
  memcpy(arp.arp_tpa, ip, 4);

  struct sockaddr_ll to;
  memset(&to, 0, sizeof to);
  to.sll_family = AF_PACKET;
  to.sll_protocol = htons(ETH_P_ARP);
  to.sll_ifindex = (int)ifindex;
  to.sll_halen = ETH_ALEN;
  memset(to.sll_addr, 0xff, ETH_ALEN);

  int err = 0;
  for (unsigned i = 0; i < count && err == 0; i++) {
    if (sendto(fd, &arp, sizeof arp, 0, (struct sockaddr *)&to, sizeof to) < 0) err = errno;
  }
  return err;
}
