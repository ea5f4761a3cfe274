/* The kernel operations of the VRRP path, kept free of Node-API so each is
 * plain C: they return 0 or a positive errno unless said otherwise. */
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

/* How long ago (ms, from CLOCK_REALTIME) the kernel received the last
 * packet read from fd (SIOCGSTAMPNS). ENOENT when that packet carries no
 * stamp: the first call turns stamping on for the packets after it. */
int hawser_receive_age(int fd, double *age_ms);

/* The descriptors of this process's sockets of that type (SOCK_RAW,
 * SOCK_DGRAM) and IP protocol, bound to `port` unless it is -1, at most
 * max of them: their count, or a negative errno. */
int hawser_socket_fds(int type, int protocol, int port, int *fds, int max);

/* ifname's index, asked on fd (any socket; if_nametoindex opens one per
 * call): ENODEV when there is no such interface. */
int hawser_ifindex(int fd, const char *ifname, unsigned *index);

#endif
