/* The two kernel operations of the VRRP takeover path, kept free of
 * Node-API so each is plain C: both return 0 or a positive errno. */
#ifndef HAWSER_VRRP_NATIVE_H
#define HAWSER_VRRP_NATIVE_H

#include <stdint.h>

/* `count` ARP requests "ip is at <ifname's MAC>" (sender = target = ip),
 * broadcast on ifname through an AF_PACKET socket. */
int hawser_gratuitous_arp(const char *ifname, const uint8_t ip[4], unsigned count);

/* RTM_NEWADDR (add != 0, failing with EEXIST when present) or RTM_DELADDR
 * (EADDRNOTAVAIL when absent) of ip/prefix on ifname, waiting for the
 * kernel's ack. family is AF_INET (4-byte ip) or AF_INET6 (16 bytes);
 * label may be NULL; nodad sets IFA_F_NODAD (IPv6). */
int hawser_netlink_address(int add, int family, const char *ifname, const uint8_t *ip, unsigned prefix, const char *label,
                           int nodad);

#endif
